/**
 * The link audit `npm start` runs after the crawl: every link of every page of the site checked by a
 * few cooperating tasks, with a shared cache of verdicts. Most checks are answered from the cache
 * (a `yield*` into a coroutine that returns without suspending); a first-time check takes a loop turn,
 * and every worker gives the loop a turn every few links. So it is coroutine calls and scheduling,
 * with next to no other work: the stage where compiled coroutines differ most from native generators.
 * Runs synchronously on a virtual-clock loop; the same report in every build.
 */
import { EventLoop, createTask, gather, type Coroutine, type Task } from '../../runtime/index.js';
import { EXTERNAL_LINK, type SiteMap } from './site.js';

export type LinkVerdict = 'page' | 'broken' | 'external';

export interface LinkAuditReport {
  pages: number;
  links: number;
  /** Links to pages that answer with an error or never answer. */
  broken: number;
  external: number;
  /** Distinct link targets (the cache's size). */
  targets: number;
  /** The page with the most links to it, and how many. */
  mostLinked: { path: string; inbound: number };
}

/** How many links a worker checks before it gives the loop a turn. */
const LINKS_PER_TURN = 16;

class AuditState {
  readonly verdicts = new Map<string, LinkVerdict>();
  readonly inbound = new Map<string, number>();
  readonly paths: string[];
  next = 0;
  links = 0;
  broken = 0;
  external = 0;

  constructor(readonly site: SiteMap) {
    this.paths = [...site.keys()];
  }
}

/** @coroutine A verdict for one link target: from the cache, or looked up (one loop turn) the first time. */
function* checkLink(state: AuditState, target: string): Coroutine<LinkVerdict> {
  const known = state.verdicts.get(target);
  if (known !== undefined) return known;
  const verdict = yield* lookUp(state, target);
  state.verdicts.set(target, verdict);
  return verdict;
}

/** @coroutine What a link target is, as the site would answer it. */
function* lookUp(state: AuditState, target: string): Coroutine<LinkVerdict> {
  yield;
  if (target === EXTERNAL_LINK) return 'external';
  const behaviour = state.site.get(target);
  return behaviour === undefined || behaviour.kind !== 'html' ? 'broken' : 'page';
}

/** @coroutine Checks every link of one page and tallies the verdicts. */
function* auditPage(state: AuditState, path: string): Coroutine<number> {
  const behaviour = state.site.get(path);
  if (behaviour === undefined || behaviour.kind !== 'html') return 0;
  let checked = 0;
  for (const href of behaviour.links) {
    const target = href === EXTERNAL_LINK ? href : pathOf(href);
    const verdict = yield* checkLink(state, target);
    if (verdict === 'broken') state.broken += 1;
    else if (verdict === 'external') state.external += 1;
    else state.inbound.set(target, (state.inbound.get(target) ?? 0) + 1);
    checked += 1;
  }
  state.links += checked;
  return checked;
}

/** @coroutine One worker: audits pages from the shared cursor until none is left. */
function* auditWorker(state: AuditState): Coroutine<number> {
  let sinceTurn = 0;
  let pages = 0;
  while (state.next < state.paths.length) {
    const path = state.paths[state.next] as string;
    state.next += 1;
    sinceTurn += yield* auditPage(state, path);
    pages += 1;
    if (sinceTurn >= LINKS_PER_TURN) {
      sinceTurn = 0;
      yield;
    }
  }
  return pages;
}

/** @coroutine The audit: `workers` tasks over the site, gathered. */
function* auditSite(site: SiteMap, workers: number): Coroutine<LinkAuditReport> {
  const state = new AuditState(site);
  const tasks: Task<number>[] = [];
  for (let index = 0; index < workers; index++) tasks.push(createTask(auditWorker(state)));
  const pagesPerWorker = yield* gather(...tasks);
  let mostLinked = { path: '/', inbound: 0 };
  for (const [path, inbound] of state.inbound) if (inbound > mostLinked.inbound) mostLinked = { path, inbound };
  return {
    pages: pagesPerWorker.reduce((sum, pages) => sum + pages, 0),
    links: state.links,
    broken: state.broken,
    external: state.external,
    targets: state.verdicts.size,
    mostLinked,
  };
}

/** Links in the site are site paths with an optional fragment, or the one external URL. */
function pathOf(href: string): string {
  const hash = href.indexOf('#');
  const path = hash === -1 ? href : href.slice(0, hash);
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

/** Audits `site` with `workers` tasks, synchronously, on a fresh virtual-clock loop of this build's runtime. */
export function auditLinks(site: SiteMap, workers: number): LinkAuditReport {
  const loop = new EventLoop({ clock: 'virtual' });
  try {
    return loop.runUntilComplete(auditSite(site, workers));
  } finally {
    loop.close();
  }
}
