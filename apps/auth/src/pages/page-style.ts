import { createHash } from 'node:crypto';

/** The pages' one stylesheet, inline so it reaches the browser through any gateway path; allowed by hash in the CSP. */
export const pageStyle = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#f6f8fa;--card:#fff;--line:#d0d7de;--accent:#0b57d0;--danger:#b3261e}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0d1117;--card:#161b22;--line:#30363d;--accent:#7cacf8;--danger:#f28b82}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:min(26rem,100% - 2rem);margin:2rem 0;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
h1{font-size:1.375rem;margin:0 0 .5rem}
p{margin:.5rem 0}
.muted{color:var(--muted);font-size:.875rem}
.alert{padding:.75rem 1rem;border:1px solid var(--danger);border-radius:8px;color:var(--danger);margin:1rem 0}
ul{margin:.25rem 0 1rem;padding-left:1.25rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=password]{width:100%;padding:.625rem .75rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:8px}
input:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{flex:1;padding:.625rem 1rem;font:inherit;font-weight:600;border-radius:8px;border:1px solid var(--line);background:transparent;color:inherit;cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--card)}
code{font-size:.875em;overflow-wrap:anywhere}
`;

export const pageStyleHash = `'sha256-${createHash('sha256').update(pageStyle).digest('base64')}'`;
