/**
 * Link extraction for the crawler. A regular expression is enough for the generated site's plain
 * `<a href="...">`s; a crawler for the open web would use an HTML parser.
 */

const HREF = /<a\s[^>]*href="([^"]*)"/gi;

/**
 * The absolute URLs of the links in `html` that stay on `origin`, without fragments (`/a#top` is `/a`),
 * deduplicated, in document order.
 */
export function sameOriginLinks(html: string, pageUrl: string, origin: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(HREF)) {
    let url: URL;
    try {
      url = new URL(match[1] as string, pageUrl);
    } catch {
      continue; // not a URL at all: nothing to follow
    }
    if (url.origin !== origin) continue;
    url.hash = '';
    found.add(url.href);
  }
  return [...found];
}
