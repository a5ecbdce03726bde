import type { Response } from 'express';
import { formPostPage, formPostScriptHash } from '../pages/form-post-page.js';
import { redirectWith } from './authorization-request.js';
import type { ResponseMode } from './openid-parameters.js';
import { redirectNoStore, setPageHeaders } from './page-headers.js';

/** An authorization response (a code or an error) and how the client asked to receive it. */
export interface AuthorizationResponse {
  redirectUri: string;
  parameters: Record<string, string | undefined>;
  mode: ResponseMode;
}

/** Delivers the response: a redirect with a query (RFC 6749 §4.1.2), or an auto-submitting form (Form Post Response Mode §2). */
export function sendAuthorizationResponse(response: Response, answer: AuthorizationResponse): void {
  if (answer.mode === 'query') return redirectNoStore(response, redirectWith(answer.redirectUri, answer.parameters));
  setPageHeaders(response, answer.redirectUri, formPostScriptHash);
  response.status(200).send(formPostPage(answer.redirectUri, answer.parameters));
}
