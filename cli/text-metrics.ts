/** How big a piece of code is: UTF-8 bytes and lines. */
export interface CodeSize {
  bytes: number;
  lines: number;
}

export function sizeOf(text: string): CodeSize {
  return { bytes: Buffer.byteLength(text, 'utf8'), lines: text === '' ? 0 : text.split('\n').length };
}

export function formatSize(size: CodeSize): string {
  return `${size.lines} ${size.lines === 1 ? 'line' : 'lines'}, ${size.bytes} B`;
}

/**
 * The code from `start` to `end` of a file, as if it stood alone: the lines after the first lose the
 * indentation of the line it starts on (as far as they have it).
 */
export function cutOut(fileText: string, start: number, end: number): string {
  const lineStart = fileText.lastIndexOf('\n', start - 1) + 1;
  const indentation = /^[ \t]*/.exec(fileText.slice(lineStart, start))![0].length;
  const [first, ...rest] = fileText.slice(start, end).split('\n');
  if (indentation === 0) return [first, ...rest].join('\n');
  const leading = new RegExp(`^[ \\t]{0,${indentation}}`);
  return [first, ...rest.map((line) => line.replace(leading, ''))].join('\n');
}
