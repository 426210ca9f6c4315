/** bench/chart.svg: ns per step, grouped by scenario, one bar per implementation, on a log scale. */
import type { ImplementationId } from './implementations.js';
import type { BenchResults } from './report.js';

const SERIES: { id: ImplementationId; label: string; color: string }[] = [
  { id: 'compiled', label: 'tsyncio compiled', color: '#1b7f3b' },
  { id: 'uncompiled', label: 'tsyncio uncompiled', color: '#7fc97f' },
  { id: 'es5', label: 'tsc ES5 __generator', color: '#beaed4' },
  { id: 'regenerator', label: 'regenerator', color: '#fdc086' },
  { id: 'async', label: 'async/await', color: '#386cb0' },
  { id: 'effection', label: 'effection', color: '#f0027f' },
  { id: 'co', label: 'co', color: '#bf5b17' },
  { id: 'plain', label: 'plain JS (floor)', color: '#666666' },
];

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderChart(results: BenchResults): string {
  const series = SERIES.filter((s) => results.scenarios.some((scenario) => scenario.cells.some((cell) => cell.implementation === s.id)));
  const values = results.scenarios.flatMap((scenario) => scenario.cells.map((cell) => cell.nsPerStep)).filter((v) => v > 0);
  const lowDecade = Math.floor(Math.log10(Math.max(0.1, Math.min(...values))));
  const highDecade = Math.ceil(Math.log10(Math.max(...values)));
  const barWidth = 11;
  const groupGap = 26;
  const groupWidth = series.length * barWidth + groupGap;
  const left = 62;
  const top = 48;
  const plotHeight = 320;
  const width = left + results.scenarios.length * groupWidth + 20;
  const legendTop = top + plotHeight + 58;
  const height = legendTop + Math.ceil(series.length / 4) * 20 + 12;
  const y = (ns: number): number => top + plotHeight - ((Math.log10(ns) - lowDecade) / (highDecade - lowDecade)) * plotHeight;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(
    `<text x="${left}" y="20" font-size="14" font-weight="bold">ns per step, log scale (lower is faster)</text>` +
      `<text x="${left}" y="36" fill="#555">${escape(`${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.date}`)}</text>`,
  );
  for (let decade = lowDecade; decade <= highDecade; decade++) {
    const ns = 10 ** decade;
    const lineY = y(ns).toFixed(1);
    const label = ns >= 1000 ? `${ns / 1000} µs` : `${ns} ns`;
    out.push(`<line x1="${left}" x2="${width - 10}" y1="${lineY}" y2="${lineY}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${lineY}" text-anchor="end" dominant-baseline="middle" fill="#555">${label}</text>`);
  }
  results.scenarios.forEach((scenario, group) => {
    const groupLeft = left + group * groupWidth + groupGap / 2;
    series.forEach((s, index) => {
      const cell = scenario.cells.find((c) => c.implementation === s.id);
      if (cell === undefined) return;
      const barTop = y(cell.nsPerStep);
      const x = groupLeft + index * barWidth;
      out.push(
        `<rect x="${x}" y="${barTop.toFixed(1)}" width="${barWidth - 1}" height="${(top + plotHeight - barTop).toFixed(1)}" fill="${s.color}">` +
          `<title>${escape(`${scenario.id} ${s.label}: ${cell.nsPerStep.toFixed(1)} ns/${scenario.unit}`)}</title></rect>`,
      );
    });
    out.push(`<text x="${groupLeft + (series.length * barWidth) / 2}" y="${top + plotHeight + 16}" text-anchor="middle" font-weight="bold">${escape(scenario.id)}</text>`);
    out.push(`<text x="${groupLeft + (series.length * barWidth) / 2}" y="${top + plotHeight + 30}" text-anchor="middle" fill="#555">per ${escape(scenario.unit)}</text>`);
  });
  out.push(`<line x1="${left}" x2="${width - 10}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#333"/>`);
  series.forEach((s, index) => {
    const x = left + (index % 4) * 170;
    const legendY = legendTop + Math.floor(index / 4) * 20;
    out.push(`<rect x="${x}" y="${legendY - 9}" width="12" height="12" fill="${s.color}"/><text x="${x + 17}" y="${legendY + 1}">${escape(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
