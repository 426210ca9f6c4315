import { formatDiagnostic } from '../transformer/diagnostics.js';
import type { Comparison, FunctionReport } from './comparison.js';
import { heading, renderPanes, sideBySideWidth } from './layout.js';
import { TSC_DOWNLEVEL_OPTIONS } from './tsc-downlevel.js';
import { formatSize, sizeOf, type CodeSize } from './text-metrics.js';

/**
 * `compare`'s report: per coroutine a header (name, place, verdict) and its three versions with their
 * sizes, side by side when `width` allows, else one after another; then every function with its
 * verdict and reason; then one `summary:` line.
 */
export function renderComparison(comparison: Comparison, width: number | undefined): string {
  const out: string[] = [];
  const ruleWidth = width !== undefined && width >= sideBySideWidth(3) ? width : Math.min(width ?? 80, 100);
  const coroutines = comparison.functions.filter((report) => report.versions !== undefined);
  out.push(`${comparison.fileName}: source, tsyncio (ES2022), tsc ES5 (\`${TSC_DOWNLEVEL_OPTIONS}\`, helpers not shown)`, '');
  for (const report of coroutines) {
    const versions = report.versions!;
    out.push(heading(`${report.fn.label} · ${placeOf(comparison, report)} · ${verdictText(report)}`, ruleWidth, width));
    out.push(
      renderPanes(
        [
          { title: `source · ${formatSize(sizeOf(versions.source))}`, text: versions.source },
          {
            title: `${report.verdict === 'compiled' ? 'tsyncio' : 'tsyncio (declined: as is)'} · ${formatSize(sizeOf(versions.tsyncio))}`,
            text: versions.tsyncio,
          },
          { title: `tsc ES5 · ${formatSize(sizeOf(versions.tsc))}`, text: versions.tsc },
        ],
        width,
      ),
    );
  }

  out.push(`functions in ${comparison.fileName} (--generators ${comparison.generators}):`);
  if (comparison.functions.length === 0) out.push('  (no generator functions)');
  const labelWidth = Math.max(0, ...comparison.functions.map((report) => report.fn.label.length));
  const placeWidth = Math.max(0, ...comparison.functions.map((report) => placeOf(comparison, report).length));
  for (const report of comparison.functions) {
    const detail = report.verdict === 'compiled' ? `→ ${report.frameClass}` : report.reason ?? '';
    out.push(`  ${report.verdict.padEnd(16)} ${report.fn.label.padEnd(labelWidth)}  ${placeOf(comparison, report).padEnd(placeWidth)}  ${detail}`.trimEnd());
    for (const note of report.notes) out.push(`    note: ${formatDiagnostic(note)}`);
  }
  for (const diagnostic of comparison.fileDiagnostics) out.push(`  ${formatDiagnostic(diagnostic)}`);
  out.push('', summaryLine(comparison));
  return `${out.join('\n')}\n`;
}

function summaryLine(comparison: Comparison): string {
  const count = (verdict: FunctionReport['verdict']): number => comparison.functions.filter((report) => report.verdict === verdict).length;
  const compiled = comparison.functions.filter((report) => report.verdict === 'compiled');
  const coroutines = count('compiled') + count('declined');
  const parts = [`${coroutines} ${coroutines === 1 ? 'coroutine' : 'coroutines'}`, `${count('compiled')} compiled`, `${count('declined')} declined`];
  if (count('error') > 0) parts.push(`${count('error')} ${count('error') === 1 ? 'error' : 'errors'}`);
  if (count('not a coroutine') > 0) parts.push(`${count('not a coroutine')} other ${count('not a coroutine') === 1 ? 'generator' : 'generators'}`);
  let line = `summary: ${comparison.fileName}: ${parts.join(', ')}`;
  if (compiled.length > 0) {
    const total = (pick: (versions: NonNullable<FunctionReport['versions']>) => string): CodeSize =>
      compiled.reduce<CodeSize>(
        (sum, report) => {
          const size = sizeOf(pick(report.versions!));
          return { bytes: sum.bytes + size.bytes, lines: sum.lines + size.lines };
        },
        { bytes: 0, lines: 0 },
      );
    const helpers = comparison.tscHelpers;
    const helperText = helpers.names.length > 0 ? ` + ${helpers.size.bytes} B of helpers per file (${helpers.names.join(', ')})` : '';
    line += `; the compiled: source ${total((v) => v.source).bytes} B, tsyncio ${total((v) => v.tsyncio).bytes} B, tsc ES5 ${total((v) => v.tsc).bytes} B${helperText}`;
  }
  return line;
}

function placeOf(comparison: Comparison, report: FunctionReport): string {
  return `${comparison.fileName}:${report.fn.line}:${report.fn.column}`;
}

function verdictText(report: FunctionReport): string {
  if (report.verdict === 'compiled') return `compiled to ${report.frameClass}`;
  return `${report.verdict}: ${report.reason}`;
}
