import MarkdownIt from 'markdown-it';

/**
 * API documentation is written by admins but rendered for every developer, so it may format text and
 * nothing more: raw HTML in the source stays text (`html: false`), and markdown-it's link check refuses
 * javascript:, vbscript:, file: and data: URLs.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

// The page's own <h1> is the API's name: the documentation's headings sit one level below it.
markdown.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx]!;
  token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + 1)}`;
  return self.renderToken(tokens, idx, options);
};
markdown.renderer.rules.heading_close = (tokens, idx, options, _env, self) => {
  const token = tokens[idx]!;
  token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + 1)}`;
  return self.renderToken(tokens, idx, options);
};
// Links in documentation lead off the portal: no referrer, no window.opener, no ranking credit.
markdown.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
  return self.renderToken(tokens, idx, options);
};

/** Markdown to HTML that cannot carry markup or scripts of its own. */
export function renderMarkdown(source: string): string {
  return markdown.render(source);
}
