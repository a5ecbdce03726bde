import { Eta } from 'eta/core';
import edit from './views/edit.js';
import errors from './views/errors.js';
import layout from './views/layout.js';
import list from './views/list.js';
import message from './views/message.js';
import overview from './views/overview.js';
import panels from './views/panels.js';
import secret from './views/secret.js';
import signIn from './views/sign-in.js';
import traffic from './views/traffic.js';

/**
 * The console's templates, in TypeScript modules like the portal's (compiled into dist/). Eta escapes
 * every `<%= %>`; the only raw output (`<%~ %>`) is a rendered page body, a partial, or markup the
 * console made itself (a chart's SVG, built with every text escaped).
 */
const templates = { layout, errors, message, 'sign-in': signIn, list, edit, secret, overview, traffic };
/** Pieces of a page, rendered on their own (no frame). */
const partials = { panels };

export type ConsoleViewName = Exclude<keyof typeof templates, 'layout' | 'errors'>;

/** The console's sections, in the order of the navigation. */
export const consoleSections = [
  { id: 'overview', label: 'Overview', href: '/console' },
  { id: 'apis', label: 'APIs', href: '/console/apis' },
  { id: 'policies', label: 'Policies', href: '/console/policies' },
  { id: 'keys', label: 'Keys', href: '/console/keys' },
  { id: 'oauth-clients', label: 'OAuth clients', href: '/console/oauth-clients' },
  { id: 'catalogue', label: 'Catalogue', href: '/console/catalogue' },
  { id: 'providers', label: 'Providers', href: '/console/providers' },
  { id: 'traffic', label: 'Traffic', href: '/console/traffic' },
] as const;

export type ConsoleSectionId = (typeof consoleSections)[number]['id'];

/** What every page's frame needs. */
export interface ConsoleFrame {
  title: string;
  operator: { name: string } | null;
  /** The visitor's CSRF token, for the sign-out form in the header and the page's own forms. */
  csrf: string;
  nav?: ConsoleSectionId;
  notice?: string;
}

const eta = new Eta({ autoEscape: true, cache: true, useWith: false, varName: 'it' });
for (const [name, text] of Object.entries({ ...templates, ...partials })) eta.loadTemplate(`@${name}`, text);

export function renderConsoleView(name: ConsoleViewName, data: ConsoleFrame & Record<string, unknown>): string {
  return eta.render(`@${name}`, { sections: consoleSections, ...data });
}

export function renderConsolePartial(name: keyof typeof partials, data: Record<string, unknown>): string {
  return eta.render(`@${name}`, data);
}
