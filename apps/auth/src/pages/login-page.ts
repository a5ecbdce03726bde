import { html } from './html.js';
import { layout } from './layout.js';

export interface LoginPageModel {
  /** Shown to the user: the client's name, or its id when it has none. */
  clientName: string;
  scopes: string[];
  /** The authorization request, carried through the form so the POST can check it again. */
  hidden: Record<string, string | undefined>;
  csrfToken: string;
  csrfField: string;
  username?: string;
  error?: string;
  /** The user has a login session: the page only asks for consent, with no password fields. */
  signedIn?: boolean;
}

/**
 * The built-in login and consent page: one form, two buttons, no script. Allow comes first: pressing
 * Enter in a field submits with the first button, and that must be the one the user was filling the form for.
 */
export function loginPage(model: LoginPageModel): string {
  const hiddenFields = Object.entries(model.hidden)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`);
  const credentials = model.signedIn
    ? html`<p class="muted">You are signed in. Allow this application?</p>
`
    : html`<label for="username">Username</label>
<input type="text" id="username" name="username" value="${model.username ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required${model.error ? html` aria-describedby="form-error"` : ''}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
`;
  return layout(
    model.signedIn ? 'Allow access' : 'Sign in',
    html`<h1>${model.signedIn ? 'Allow access' : 'Sign in'}</h1>
<p><strong>${model.clientName}</strong> wants to access your account.</p>
${
  model.scopes.length > 0
    ? html`<p class="muted">It asks for:</p>
<ul>${model.scopes.map((scope) => html`<li><code>${scope}</code></li>`)}</ul>`
    : html`<p class="muted">It asks for no specific permissions.</p>`
}
${model.error ? html`<div class="alert" role="alert" id="form-error"><p>${model.error}</p></div>` : ''}
<form method="post" autocomplete="on">
<input type="hidden" name="${model.csrfField}" value="${model.csrfToken}">
${hiddenFields}${credentials}<div class="actions">
<button type="submit" name="decision" value="approve" class="primary">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</div>
</form>`,
  );
}
