import { html } from './html.js';
import { layout } from './layout.js';

/** Shown instead of redirecting when the client or its redirect URI cannot be trusted with the answer. */
export function errorPage(title: string, message: string): string {
  return layout(
    title,
    html`<h1>${title}</h1>
<div class="alert" role="alert"><p>${message}</p></div>
<p class="muted">You can close this page and go back to the application you came from.</p>`,
  );
}
