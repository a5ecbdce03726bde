/**
 * A browser without a browser, for the portal's pages over real HTTP: a cookie jar per origin (a
 * cookie goes back to the server that set it; Max-Age=0 removes it), redirects followed by hand
 * across sites (portal, identity provider), and forms posted with the page's `_csrf`.
 */

export interface Page {
  status: number;
  html: string;
  /** Where this answer came from. */
  url: URL;
  /** The Location of a redirect, resolved; null otherwise. */
  location: URL | null;
}

export class HttpBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  /** `base`: where relative paths go (the portal). */
  constructor(private readonly base: string) {}

  get(path: string | URL): Promise<Page> {
    return this.send('GET', path);
  }

  post(path: string | URL, fields: Record<string, string>): Promise<Page> {
    return this.send('POST', path, new URLSearchParams(fields).toString());
  }

  /** Posts the form of the page at `formPage` (its _csrf included) with `fields`. */
  async submit(formPage: string, action: string, fields: Record<string, string>): Promise<Page> {
    const page = await this.get(formPage);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1];
    if (!csrf) throw new Error(`no _csrf on ${formPage} (${page.status}): ${page.html.slice(0, 300)}`);
    return this.post(action, { ...fields, _csrf: decodeHtml(csrf) });
  }

  /**
   * Follows redirects from `page` (GET, as browsers do after 303) until an answer that is not one,
   * or until the next address is one `stopBefore` picks: that redirect is returned unfollowed.
   */
  async follow(page: Page, stopBefore: (url: URL) => boolean = () => false): Promise<Page> {
    let current = page;
    for (let hops = 0; current.location !== null; hops++) {
      if (hops > 20) throw new Error(`more than 20 redirects from ${page.url.href}`);
      if (stopBefore(current.location)) return current;
      current = await this.get(current.location);
    }
    return current;
  }

  /** The cookie `name` this browser holds for `origin` (the portal's unless given). */
  cookie(name: string, origin = new URL(this.base).origin): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  /** Puts a cookie in the jar, as someone holding a copy of it would (a replay). */
  setCookie(name: string, value: string, origin = new URL(this.base).origin): void {
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    jar.set(name, value);
  }

  private async send(method: string, path: string | URL, body?: string): Promise<Page> {
    const url = new URL(path, this.base);
    const jar = this.jars.get(url.origin) ?? new Map<string, string>();
    this.jars.set(url.origin, jar);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const removed = value === '' || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (removed) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    return { status: response.status, html: await response.text(), url, location: location === null ? null : new URL(location, url) };
  }
}

export function decodeHtml(text: string): string {
  return text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The text of the page's `role="alert"`: what it says went wrong. */
export function alertOf(html: string): string {
  return decodeHtml(/role="alert"[^>]*>([^<]*)</.exec(html)?.[1] ?? '');
}
