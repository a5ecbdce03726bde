import { Eta } from 'eta/core';
import type { CredentialKind } from '../portal-types.js';
import api from './views/api.js';
import appNew from './views/app-new.js';
import app from './views/app.js';
import apps from './views/apps.js';
import catalogue from './views/catalogue.js';
import credentials from './views/credentials.js';
import errors from './views/errors.js';
import layout from './views/layout.js';
import login from './views/login.js';
import message from './views/message.js';
import reset from './views/reset.js';
import signup from './views/signup.js';

/**
 * The templates live in TypeScript modules (compiled into dist/ with everything else, so the Docker
 * image and the embedded launcher need no extra files). Eta escapes every `<%= %>`; the only raw
 * output (`<%~ %>`) is a rendered page body, a partial, or markdown-it's HTML-free documentation.
 */
const templates = { layout, errors, message, catalogue, api, signup, login, reset, apps, 'app-new': appNew, app, credentials };

export type ViewName = Exclude<keyof typeof templates, 'layout' | 'errors'>;

/** What every page's frame needs. */
export interface PageFrame {
  title: string;
  developer: { email: string } | null;
  /** The visitor's CSRF token, for the logout form in the header and the page's own forms. */
  csrf: string;
  nav?: 'catalogue' | 'apps' | 'login' | 'signup';
  notice?: string;
}

const kindLabels: Record<CredentialKind, string> = {
  api_key: 'API key',
  oauth_client: 'OAuth 2.0 client credentials',
  external_dcr: 'OAuth 2.0 client at the identity provider',
};

const eta = new Eta({ autoEscape: true, cache: true, useWith: false, varName: 'it' });
for (const [name, text] of Object.entries(templates)) eta.loadTemplate(`@${name}`, text);

export function renderView(name: ViewName, data: PageFrame & Record<string, unknown>): string {
  return eta.render(`@${name}`, { kindLabel: (kind: CredentialKind) => kindLabels[kind] ?? kind, ...data });
}
