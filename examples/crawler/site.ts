/**
 * The generated site the crawler explores: plain data, no I/O. Every page is reachable from `/`
 * only through links, so the crawler has to discover the site as it goes, and a few pages are there
 * to go wrong in the ways real sites do.
 */

/** How the server answers one path. */
export type PageBehaviour =
  | { kind: 'html'; title: string; links: readonly string[]; delayMs: number }
  /** Accepts the request and never answers: only the client's timeout ends it. */
  | { kind: 'hang' }
  /** Answers 500 after the usual processing. */
  | { kind: 'error'; status: number };

export interface SiteOptions {
  /** Numbered pages besides `/` and the broken ones. */
  pageCount: number;
  /** How long the slow pages take to answer (ms); keep it under the crawler's timeout. */
  slowDelayMs: number;
}

export type SiteMap = ReadonlyMap<string, PageBehaviour>;

export const HANG_PATH = '/reports/live';
export const ERROR_PATH = '/search';
/** A link the crawler must not follow: it leaves the site. */
export const EXTERNAL_LINK = 'https://example.com/elsewhere';

/**
 * Page i links to 2i and 2i+1 (a binary tree, so the frontier widens and several workers stay busy),
 * back to `/`, and to its predecessor with a fragment (the same page as far as crawling goes). Every
 * third page is slow. Two pages deep in the tree lead to the hanging and the failing path.
 */
export function generateSite(options: SiteOptions): SiteMap {
  const { pageCount, slowDelayMs } = options;
  const site = new Map<string, PageBehaviour>();
  const pagePath = (index: number): string => `/page/${index}`;
  site.set('/', { kind: 'html', title: 'Home', links: [pagePath(1), EXTERNAL_LINK], delayMs: 0 });
  for (let index = 1; index <= pageCount; index++) {
    const links = ['/'];
    for (const child of [2 * index, 2 * index + 1]) if (child <= pageCount) links.push(pagePath(child));
    if (index > 1) links.push(`${pagePath(index - 1)}#top`);
    if (index === 3) links.push(HANG_PATH);
    if (index === 5) links.push(`${ERROR_PATH}?q=tsyncio`);
    site.set(pagePath(index), { kind: 'html', title: `Page ${index}`, links, delayMs: index % 3 === 0 ? slowDelayMs : 0 });
  }
  site.set(HANG_PATH, { kind: 'hang' });
  site.set(ERROR_PATH, { kind: 'error', status: 500 });
  return site;
}

/** The HTML of a page; the links are plain `<a href>`s, as the crawler's parser expects. */
export function renderPage(title: string, links: readonly string[]): string {
  const anchors = links.map((href) => `    <li><a href="${href}">${href}</a></li>`).join('\n');
  return `<!doctype html>\n<html>\n<head><title>${title}</title></head>\n<body>\n  <h1>${title}</h1>\n  <ul>\n${anchors}\n  </ul>\n</body>\n</html>\n`;
}
