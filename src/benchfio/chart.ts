// The `--compare` bar chart as hand-written SVG: one <g class="bar-group"> per StorageClass holding one bar
// per metric. IOPS and KiB/s differ by orders of magnitude, so each bar's height is relative to the best
// class on that metric and its label carries the absolute figure. A charting library (d3, chart.js,
// vega) would need a DOM or a headless browser to produce a static file; forty lines of SVG do not.
import type { Metric } from './compare.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number) => !Number.isFinite(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1);

export function compareChartSvg(classes: string[], metrics: Metric[], title = 'fio: average per StorageClass'): string {
  const barW = 26, gap = 6, groupGap = 40, plotH = 240, top = 50, left = 40, legendH = 18 * metrics.length + 10;
  const groupW = metrics.length * (barW + gap);
  const width = Math.max(420, left * 2 + classes.length * (groupW + groupGap));
  const height = top + plotH + 40 + legendH;
  const max = metrics.map((m) => Math.max(...m.values.filter(Number.isFinite), 0));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<title>${esc(title)}</title>`);
  parts.push(`<text x="${left}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<line x1="${left - 5}" y1="${top + plotH}" x2="${width - left / 2}" y2="${top + plotH}" stroke="#333"/>`);
  classes.forEach((cls, ci) => {
    const gx = left + ci * (groupW + groupGap);
    parts.push(`<g class="bar-group" data-storage-class="${esc(cls)}">`);
    metrics.forEach((m, mi) => {
      const v = m.values[ci] ?? NaN;
      const h = max[mi]! > 0 && Number.isFinite(v) ? Math.max(1, (v / max[mi]!) * plotH) : 0;
      const x = gx + mi * (barW + gap);
      parts.push(`<rect class="bar" x="${x}" y="${(top + plotH - h).toFixed(1)}" width="${barW}" height="${h.toFixed(1)}" fill="${PALETTE[mi % PALETTE.length]}"><title>${esc(`${cls}: ${m.label} = ${fmt(v)} ${m.unit}`)}</title></rect>`);
      parts.push(`<text x="${x + barW / 2}" y="${(top + plotH - h - 4).toFixed(1)}" text-anchor="middle" font-size="9">${esc(fmt(v))}</text>`);
    });
    parts.push(`<text x="${gx + groupW / 2}" y="${top + plotH + 18}" text-anchor="middle" font-size="12">${esc(cls)}</text>`);
    parts.push('</g>');
  });
  metrics.forEach((m, mi) => {
    const y = top + plotH + 40 + mi * 18;
    parts.push(`<rect x="${left}" y="${y}" width="12" height="12" fill="${PALETTE[mi % PALETTE.length]}"/><text x="${left + 18}" y="${y + 10}">${esc(`${m.label} (${m.unit}; bar height relative to the best class)`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
