import type { RawParameters } from '../authorize/authorization-request.js';

/** RP-Initiated Logout 1.0 §2: the parameters read; others (ui_locales, logout_hint) are accepted and ignored. */
export const logoutParameters = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state'] as const;
export type LogoutParameters = Partial<Record<(typeof logoutParameters)[number], string>>;

/** The parameters as single strings (empty counts as absent), or the name of one that is repeated or too long. */
export function readLogoutParameters(raw: RawParameters): { ok: true; value: LogoutParameters } | { ok: false; field: string } {
  const value: LogoutParameters = {};
  for (const name of logoutParameters) {
    const parameter = raw[name];
    if (parameter === undefined || parameter === '') continue;
    if (typeof parameter !== 'string' || parameter.length > 8192) return { ok: false, field: name };
    value[name] = parameter;
  }
  return { ok: true, value };
}
