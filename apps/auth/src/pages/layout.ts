import { html, SafeHtml } from './html.js';
import { pageStyle } from './page-style.js';

/** The frame every page of the auth service shares. */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${new SafeHtml(pageStyle)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.value;
}
