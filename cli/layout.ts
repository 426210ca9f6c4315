/** One of the versions `compare` shows: a title line and the code. */
export interface Pane {
  title: string;
  text: string;
}

const SEPARATOR = ' │ ';
const CONTINUATION = '↪ ';
/** Narrower panes than this are unreadable: below it the panes are stacked. */
export const MIN_PANE_WIDTH = 30;

/** The terminal width from which `count` panes go side by side. */
export function sideBySideWidth(count: number): number {
  return count * MIN_PANE_WIDTH + (count - 1) * SEPARATOR.length;
}

/**
 * Panes side by side when `width` holds them at MIN_PANE_WIDTH each (long lines wrap inside their
 * pane, continued after '↪'), else one after another with their code unwrapped, as a file or a pipe
 * wants it (no width: stacked).
 */
export function renderPanes(panes: readonly Pane[], width: number | undefined): string {
  if (width !== undefined && width >= sideBySideWidth(panes.length)) return sideBySide(panes, width);
  return stacked(panes, width);
}

/** A rule of `width` columns with a label: `── label ─────` (or of `━` for a heading). */
export function rule(label: string, width: number, line: '─' | '━' = '─'): string {
  const head = `${line}${line} ${label} `;
  return head + line.repeat(Math.max(3, width - columnsOf(head)));
}

/**
 * A heading: a `━━ label ━━━` rule when the label fits `width`; else, when the width is the
 * terminal's (`wrapAt`), the label wrapped to it; else the label on one line, as a pipe wants it.
 */
export function heading(label: string, width: number, wrapAt: number | undefined): string {
  const head = `━━ ${label}`;
  if (columnsOf(head) + 4 <= width) return rule(label, width, '━');
  return wrapAt === undefined ? head : wrap(head, wrapAt).join('\n');
}

function stacked(panes: readonly Pane[], width: number | undefined): string {
  const lines: string[] = [];
  for (const pane of panes) {
    lines.push(rule(pane.title, Math.min(width ?? 80, 100)), ...pane.text.split('\n'));
  }
  return `${lines.join('\n')}\n`;
}

function sideBySide(panes: readonly Pane[], width: number): string {
  const paneWidth = Math.floor((width - (panes.length - 1) * SEPARATOR.length) / panes.length);
  const titles = panes.map((pane) => wrap(pane.title, paneWidth));
  const titleHeight = Math.max(...titles.map((title) => title.length));
  const columns = panes.map((pane, index) => [
    ...titles[index]!,
    ...Array<string>(titleHeight - titles[index]!.length).fill(''),
    '─'.repeat(paneWidth),
    ...pane.text.split('\n').flatMap((line) => wrap(line.replace(/\t/g, '    '), paneWidth)),
  ]);
  const height = Math.max(...columns.map((column) => column.length));
  const rows: string[] = [];
  for (let row = 0; row < height; row++) {
    const cells = columns.map((column) => padEnd(column[row] ?? '', paneWidth));
    rows.push(cells.join(SEPARATOR).trimEnd());
  }
  return `${rows.join('\n')}\n`;
}

/** Cuts a line into pieces of at most `width` columns; the pieces after the first start with '↪ '. */
export function wrap(line: string, width: number): string[] {
  const characters = [...line];
  if (characters.length <= width) return [line];
  const pieces = [characters.slice(0, width).join('')];
  const rest = width - CONTINUATION.length;
  for (let at = width; at < characters.length; at += rest) pieces.push(CONTINUATION + characters.slice(at, at + rest).join(''));
  return pieces;
}

function columnsOf(text: string): number {
  return [...text].length;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columnsOf(text)));
}
