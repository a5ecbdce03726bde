import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import { pageStyle, pageStyleHash } from '../pages/page-style.js';
import { setPageHeaders } from './page-headers.js';

function headersFor(redirectUri?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  setPageHeaders({ setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value) } as unknown as Response, redirectUri);
  return headers;
}

describe('setPageHeaders', () => {
  it('forbids caching, framing, sniffing and referrers', () => {
    expect(headersFor()).toMatchObject({
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-type': 'text/html; charset=utf-8',
    });
  });

  it('allows no script and only the pages’ own stylesheet, by hash', () => {
    const csp = headersFor()['content-security-policy']!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src ${pageStyleHash}`);
    expect(csp).not.toMatch(/script-src|unsafe-/);
    expect(pageStyleHash).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
    expect(pageStyle.length).toBeGreaterThan(0);
  });

  it.each([
    [undefined, "form-action 'self';"],
    ['https://app.example:8443/cb?x=1', "form-action 'self' https://app.example:8443;"],
    ['com.example.app:/callback', "form-action 'self' com.example.app:;"],
  ])('lets the form reach the redirect URI %s and nothing else', (redirectUri, expected) => {
    expect(headersFor(redirectUri)['content-security-policy']).toContain(expected);
  });
});
