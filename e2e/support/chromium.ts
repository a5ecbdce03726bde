import { existsSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { describe } from 'vitest';
import { howToOptOut, skipAllowed } from '../../tools/test/skip-policy.js';
import { describeWithServices } from '../../tools/test/with-services.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((path) => existsSync(path));

const chromiumMissing = 'Chromium is not installed: apt-get install -y chromium (or set CHROMIUM_PATH)';

/**
 * `describe` for tests in a real browser. Without Chromium they fail (requireChromium, in their
 * beforeAll); only an explicit opt-out skips them, and says so.
 */
export function describeInBrowser(what: string): typeof describeWithServices {
  if (chromiumPath || !skipAllowed) return describeWithServices;
  console.warn(`\n*** PORTCULLIS_ALLOW_SKIP=1: SKIPPING ${what}. ${chromiumMissing}\n`);
  return describe.skip;
}

/** The Chromium to launch, or the failure that says how to get one. */
export function requireChromium(): string {
  if (!chromiumPath) throw new Error(`${chromiumMissing}. ${howToOptOut}`);
  return chromiumPath;
}

/**
 * Collects what must never happen on our pages into `problems`: Content-Security-Policy violations
 * and script errors. (4xx answers are logged as console errors too; those are expected, CSP reports are not.)
 */
export function watchPageProblems(context: BrowserContext, problems: string[]): void {
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  context.on('weberror', (error) => problems.push(error.error().message));
}
