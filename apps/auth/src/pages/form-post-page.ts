import { createHash } from 'node:crypto';
import { html, SafeHtml } from './html.js';
import { layout } from './layout.js';

/** The one script of the auth service's pages, allowed by hash in the form_post page's CSP. */
export const formPostScript = 'document.forms[0].submit();';
export const formPostScriptHash = `'sha256-${createHash('sha256').update(formPostScript).digest('base64')}'`;

/**
 * OAuth 2.0 Form Post Response Mode §2: the response parameters as a form POSTed to the redirect URI,
 * submitted by script at once; without script, by the user's press of the button.
 */
export function formPostPage(redirectUri: string, parameters: Record<string, string | undefined>): string {
  const fields = Object.entries(parameters)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`);
  return layout(
    'Returning to the application',
    html`<h1>Returning to the application</h1>
<form method="post" action="${redirectUri}">
${fields}<p class="muted">If nothing happens, press Continue.</p>
<div class="actions"><button type="submit" class="primary">Continue</button></div>
</form>
<script>${new SafeHtml(formPostScript)}</script>`,
  );
}
