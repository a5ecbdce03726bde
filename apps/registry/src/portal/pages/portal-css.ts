/**
 * The portal's own stylesheet (GET /portal/static/portal.css). Colours keep WCAG AA contrast
 * (text 4.5:1 and more on its background), every control shows where the keyboard focus is, and
 * nothing depends on the script.
 */
export const portalCss = String.raw`
:root {
  --text: #1b1f24;
  --muted: #4a5461;
  --bg: #ffffff;
  --panel: #f4f6f8;
  --border: #c9d1d9;
  --accent: #0a58ca;
  --accent-dark: #083f91;
  --danger: #b3261e;
  --focus: #ffbf47;
  --ok-bg: #e7f4ea;
  --ok-border: #2e7d32;
  --warn-bg: #fff4e0;
  --warn-border: #a35a00;
  --err-bg: #fdecea;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 100%;
  line-height: 1.55;
  color: var(--text);
  background: var(--bg);
}
*, *::before, *::after { box-sizing: border-box; }
/* The copy buttons are hidden until the script shows them: no display rule may undo that. */
[hidden] { display: none !important; }
body { margin: 0; display: flex; flex-direction: column; min-height: 100vh; }
main { flex: 1; padding-block: 2rem 3rem; }
main:focus { outline: none; }
.container { width: 100%; max-width: 60rem; margin-inline: auto; padding-inline: 1.25rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:hover { color: var(--accent-dark); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--text); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
code { background: var(--panel); padding: 0.1em 0.3em; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: #1b1f24; color: #f4f6f8; padding: 1rem; border-radius: 6px; overflow-x: auto; line-height: 1.45; }
/* A command wraps rather than hiding its end off-screen; copying still takes it whole. */
.code-block pre, .code-block pre code { white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; color: inherit; overflow-wrap: normal; }
.skip-link { position: absolute; left: 0.5rem; top: -3rem; background: var(--text); color: #fff; padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { top: 0.5rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.site-header { background: var(--text); color: #fff; }
.header-row { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.75rem; padding-block: 0.75rem; }
.brand { color: #fff; font-weight: 700; font-size: 1.15rem; text-decoration: none; }
.brand span { font-weight: 400; color: #d0d7de; }
.brand:hover { color: #fff; text-decoration: underline; }
.nav-list { list-style: none; display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; margin: 0; padding: 0; }
.nav-list a, .site-header .button-link { color: #fff; }
.nav-list a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.nav-who { color: #d0d7de; font-size: 0.9rem; }
.inline-form { display: inline; margin: 0; }
.button-link { background: none; border: 0; padding: 0; font: inherit; text-decoration: underline; cursor: pointer; color: var(--accent); }
.site-footer { border-top: 1px solid var(--border); color: var(--muted); font-size: 0.9rem; padding-block: 1rem; }
.lead { font-size: 1.15rem; color: var(--muted); max-width: 45rem; }
.meta, .hint { color: var(--muted); font-size: 0.9rem; margin: 0.25rem 0 0; }
.breadcrumb { font-size: 0.9rem; margin-bottom: 0.75rem; color: var(--muted); }
.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--border); border-radius: 8px; padding: 1rem 1.25rem; background: var(--bg); }
.card h2 { margin: 0 0 0.5rem; font-size: 1.2rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1.25rem; margin: 1rem 0 1.5rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
.form { max-width: 28rem; }
.field { margin-bottom: 1.1rem; }
label { display: block; font-weight: 600; margin-bottom: 0.3rem; }
input[type="text"], input[type="email"], input[type="password"], select {
  width: 100%; font: inherit; padding: 0.55rem 0.7rem; border: 2px solid #6e7781; border-radius: 4px; background: #fff; color: var(--text);
}
input:focus-visible, select:focus-visible { border-color: var(--text); }
.button, button.copy {
  display: inline-block; font: inherit; font-weight: 600; cursor: pointer; text-decoration: none;
  background: var(--accent); color: #fff; border: 2px solid var(--accent); border-radius: 4px; padding: 0.5rem 1rem;
}
.button:hover { background: var(--accent-dark); border-color: var(--accent-dark); color: #fff; }
.button.danger { background: var(--danger); border-color: var(--danger); }
.button.danger:hover { background: #8c1d18; border-color: #8c1d18; }
button.copy { background: #fff; color: var(--accent); padding: 0.2rem 0.7rem; font-size: 0.9rem; margin-left: 0.5rem; }
button.copy:hover { background: var(--panel); }
button.copy[data-copied] { color: var(--ok-border); border-color: var(--ok-border); }
.alert { background: var(--err-bg); border-left: 5px solid var(--danger); padding: 0.75rem 1rem; margin: 0 0 0.5rem; }
.alert-details { margin: 0 0 1.25rem; padding: 0.25rem 1rem 0.5rem 2.25rem; background: var(--err-bg); }
.notice { background: var(--ok-bg); border-left: 5px solid var(--ok-border); padding: 0.75rem 1rem; }
.warning { background: var(--warn-bg); border-left: 5px solid var(--warn-border); padding: 0.75rem 1rem; }
.credentials { margin: 1.5rem 0; }
.credentials dt { font-weight: 600; margin-top: 0.9rem; }
.credentials dd { margin: 0.3rem 0 0; display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
.credentials code { font-size: 1rem; padding: 0.35rem 0.55rem; border: 1px solid var(--border); user-select: all; }
.code-block { position: relative; }
.code-block button.copy { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.5rem; }
th, td { text-align: left; padding: 0.5rem 0.75rem; border-bottom: 1px solid var(--border); vertical-align: top; }
thead th { border-bottom: 2px solid var(--text); }
.docs { border-top: 1px solid var(--border); margin-top: 1.5rem; padding-top: 0.5rem; max-width: 48rem; }
section form { margin: 0.5rem 0 0; }
@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }
@media (prefers-color-scheme: dark) {
  :root { --text: #e6edf3; --muted: #b1bac4; --bg: #0d1117; --panel: #161b22; --border: #30363d; --accent: #6cb6ff; --accent-dark: #9ccbff;
    --ok-bg: #12261a; --warn-bg: #2b1d05; --err-bg: #2d1214; }
  .site-header { background: #010409; }
  .button, .button:hover { color: #0d1117; }
  .button.danger { color: #fff; background: #c93c37; border-color: #c93c37; }
  input[type="text"], input[type="email"], input[type="password"], select { background: #0d1117; color: var(--text); border-color: #8b949e; }
  button.copy { background: var(--panel); }
  .skip-link { background: #e6edf3; color: #0d1117; }
  pre { background: #010409; }
}
`;
