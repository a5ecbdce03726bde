import { html } from './html.js';
import { layout } from './layout.js';

/** RP-Initiated Logout §3: shown when there is no (valid) post_logout_redirect_uri to send the user to. */
export function signedOutPage(): string {
  return layout(
    'Signed out',
    html`<h1>Signed out</h1>
<p>You are signed out.</p>
<p class="muted">You can close this page.</p>`,
  );
}

export interface LogoutConfirmModel {
  /** The logout request, carried through the form. */
  hidden: Record<string, string | undefined>;
  csrfToken: string;
  csrfField: string;
}

/** RP-Initiated Logout §2: without an id_token_hint the user confirms, so no other site can sign them out by a link. */
export function logoutConfirmPage(model: LogoutConfirmModel): string {
  const hiddenFields = Object.entries(model.hidden)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`);
  return layout(
    'Sign out',
    html`<h1>Sign out?</h1>
<p>Do you want to sign out?</p>
<form method="post">
<input type="hidden" name="${model.csrfField}" value="${model.csrfToken}">
${hiddenFields}<div class="actions">
<button type="submit" name="logout" value="yes" class="primary">Sign out</button>
</div>
</form>`,
  );
}
