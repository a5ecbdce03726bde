import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it('formats text', () => {
    expect(renderMarkdown('# Orders\n\nGet **one** order: `GET /orders/{id}`')).toBe(
      '<h2>Orders</h2>\n<p>Get <strong>one</strong> order: <code>GET /orders/{id}</code></p>\n',
    );
  });

  it('keeps raw HTML as text', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses script URLs in links and images', () => {
    const html = renderMarkdown('[x](javascript:alert(1)) ![y](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.com/docs)');
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).not.toMatch(/src="data:text\/html/i);
    expect(html).toContain('<a href="https://example.com/docs" rel="nofollow noopener noreferrer">ok</a>');
  });
});
