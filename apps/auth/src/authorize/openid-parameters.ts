/** OAuth 2.0 Multiple Response Type Encoding §2.1 and Form Post Response Mode §2; fragment never for code. */
export type ResponseMode = 'query' | 'form_post';

/** The `prompt` values served (OIDC Core §3.1.2.1); select_account is not: there is one account per browser. */
export const promptValues = ['none', 'login', 'consent'] as const;
export type Prompt = (typeof promptValues)[number];

export interface OpenIdParameters {
  responseMode: ResponseMode;
  prompt: Prompt[];
  /** Seconds: a sign-in older than this must be repeated (the request's max_age, else the client's default). */
  maxAge: number | undefined;
  /** Unverified here: the controller checks it against our keys. */
  idTokenHint: string | undefined;
  /** Prefills the username on the login page. */
  loginHint: string | undefined;
  /** Accepted and carried through the form; the pages are English only. */
  uiLocales: string | undefined;
  claimsLocales: string | undefined;
  display: string | undefined;
  acrValues: string | undefined;
}

type Values = Partial<Record<string, string | undefined>>;
export type OpenIdParametersCheck = { ok: true; value: OpenIdParameters } | { ok: false; description: string };

const maxAgeSyntax = /^\d{1,9}$/;

/** Reads the OpenID Connect authorization parameters (OIDC Core §3.1.2.1), already de-duplicated and length-checked. */
export function readOpenIdParameters(values: Values, defaultMaxAge: number | undefined): OpenIdParametersCheck {
  const mode = values.response_mode;
  if (mode !== undefined && mode !== 'query' && mode !== 'form_post')
    return { ok: false, description: 'response_mode must be query or form_post (fragment is not allowed for the code flow).' };

  const prompt = [...new Set((values.prompt ?? '').split(' ').filter(Boolean))];
  const unknown = prompt.filter((value) => !(promptValues as readonly string[]).includes(value));
  if (unknown.length > 0) return { ok: false, description: `Unsupported prompt value: ${unknown.join(' ')}.` };
  // §3.1.2.1: none with any other value is an error.
  if (prompt.includes('none') && prompt.length > 1) return { ok: false, description: 'prompt=none cannot be combined with other values.' };

  let maxAge = defaultMaxAge;
  if (values.max_age !== undefined) {
    if (!maxAgeSyntax.test(values.max_age)) return { ok: false, description: 'max_age must be a non-negative integer (seconds).' };
    maxAge = Number(values.max_age);
  }

  return {
    ok: true,
    value: {
      responseMode: mode === 'form_post' ? 'form_post' : 'query',
      prompt: prompt as Prompt[],
      maxAge,
      idTokenHint: values.id_token_hint,
      loginHint: values.login_hint,
      uiLocales: values.ui_locales,
      claimsLocales: values.claims_locales,
      display: values.display,
      acrValues: values.acr_values,
    },
  };
}
