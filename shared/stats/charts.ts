/**
 * Bar charts as inline SVG strings, for the annual report (rendered on the server) and the console
 * (rendered in the browser from the same code, bundled by esbuild). A pure function of its data:
 * no DOM, no fonts to fetch, nothing external, so a printed report looks like the screen.
 *
 * Why not Apache ECharts' server-side SVG renderer: the report needs grouped bars and nothing
 * else, and ECharts tree-shaken to bars, lines, pies and the SVG renderer is 571 KB minified
 * (195 KB gzipped; measured with esbuild 0.28, echarts 6.1.0) — more than the whole admin function,
 * and the console would load it again. This is under 4 KB.
 */

export interface BarSeries {
  name: string;
  values: readonly number[];
  color: string;
}

export interface BarChartSpec {
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  /** Formats an axis tick and a value label (e.g. hours, yuan). */
  format?: (n: number) => string;
  width?: number;
  height?: number;
  /** Counts between 1 and this minus one are drawn as 0 and labelled "<n" (the published report's suppression). */
  suppressBelow?: number;
}

export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A tick step of 1, 2 or 5 times a power of ten that gives about five ticks. */
function niceStep(max: number): number {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? power * 10;
}

export function barChart(spec: BarChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 260;
  const format = spec.format ?? ((n: number) => String(Math.round(n * 100) / 100));
  const left = 56;
  const right = 12;
  const top = 34;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const shown = (v: number) => (spec.suppressBelow !== undefined && v > 0 && v < spec.suppressBelow ? 0 : v);
  const max = Math.max(0, ...spec.series.flatMap((s) => s.values.map(shown)));
  // Counts get whole-number ticks.
  const counts = spec.series.every((x) => x.values.every(Number.isInteger));
  const step = max > 0 ? (counts ? Math.max(1, niceStep(max)) : niceStep(max)) : 1;
  const ceiling = max > 0 ? Math.ceil(max / step) * step : 5;
  const y = (v: number) => top + plotH - (v / ceiling) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" ` +
      `height="${height}" role="img" aria-label="${escapeXml(spec.title)}" font-family="sans-serif" font-size="11">`,
    `<text x="${left}" y="16" font-size="13" font-weight="bold" fill="#222">${escapeXml(spec.title)}</text>`,
  ];
  for (let v = 0; v <= ceiling + step / 2; v += step) {
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${escapeXml(format(v))}</text>`);
  }
  const n = Math.max(1, spec.categories.length);
  const band = plotW / n;
  const groups = Math.max(1, spec.series.length);
  const barW = Math.max(2, (band * 0.7) / groups);
  const labelEvery = Math.ceil(n / 16);
  spec.categories.forEach((category, i) => {
    const x0 = left + i * band + band * 0.15;
    spec.series.forEach((s, j) => {
      const raw = s.values[i] ?? 0;
      const hidden = spec.suppressBelow !== undefined && raw > 0 && raw < spec.suppressBelow;
      const v = hidden ? 0 : raw;
      const h = y(0) - y(v);
      parts.push(
        `<rect x="${(x0 + j * barW).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 1).toFixed(1)}" ` +
          `height="${Math.max(0, h).toFixed(1)}" fill="${escapeXml(s.color)}">` +
          `<title>${escapeXml(`${category} ${s.name}: ${hidden ? `<${spec.suppressBelow}` : format(v)}`)}</title></rect>`,
      );
    });
    if (i % labelEvery === 0)
      parts.push(`<text x="${(left + i * band + band / 2).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" fill="#555">${escapeXml(category)}</text>`);
  });
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(0)}" y2="${y(0)}" stroke="#888"/>`);
  let lx = left;
  for (const s of spec.series) {
    parts.push(
      `<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${escapeXml(s.color)}"/><text ` +
        `x="${lx + 14}" y="${height - 5}" fill="#333">${escapeXml(s.name)}</text>`,
    );
    lx += 28 + s.name.length * 12;
  }
  parts.push('</svg>');
  return parts.join('');
}
