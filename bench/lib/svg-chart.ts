// A tiny grouped bar chart as SVG text: one group per category, one bar per series, a linear or log10 value
// axis, a legend. Missing values leave a gap.

export interface BarChart {
  title: string;
  /** The value axis's label. */
  unit: string;
  /** The category axis's label. */
  categoryLabel: string;
  categories: string[];
  /** Each series' bars; a series without a colour takes the palette's colour of its position. */
  series: { name: string; values: (number | undefined)[]; color?: string }[];
  log?: boolean;
  /** A horizontal reference line (e.g. 1x on a speed-up chart). */
  reference?: number;
}

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const [W, H, LEFT, RIGHT, TOP, BOTTOM] = [820, 380, 64, 170, 36, 48];

const colour = (s: BarChart['series'][number], k: number): string => s.color ?? PALETTE[k % PALETTE.length];
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 1 ? String(Number(v.toFixed(1))) : String(Number(v.toPrecision(2))));

/** Axis ticks: 1-2-5 steps on a log axis (powers of ten only past three decades), about five round steps on a linear one. */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const steps = Math.log10(hi / lo) > 3 ? [1] : [1, 2, 5];
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(...steps.map((k) => k * 10 ** e));
    return out;
  }
  const step = 10 ** Math.floor(Math.log10(hi / 5 || 1));
  const nice = [1, 2, 5, 10].map((k) => k * step).find((s) => hi / s <= 6) ?? 10 * step;
  return Array.from({ length: Math.floor(hi / nice) + 1 }, (_, k) => k * nice);
}

export function barChart(c: BarChart): string {
  const values = c.series.flatMap((s) => s.values).filter((v): v is number => v !== undefined && v > 0);
  const log = c.log ?? false;
  const top = Math.max(...values, c.reference ?? 0) * (log ? 1.5 : 1.1);
  const bottom = log ? Math.min(...values, c.reference ?? Infinity) / 1.5 : 0;
  const axis = ticks(log ? bottom : 0, top, log).filter((t) => t >= bottom && t <= top);
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const y = (v: number): number => TOP + plotH * (1 - (log ? Math.log10(v / bottom) / Math.log10(top / bottom) : v / top));
  const groupW = plotW / c.categories.length, barW = (groupW * 0.8) / c.series.length;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escape(c.title)}</text>`,
    ...axis.map((t) => `<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/><text x="${LEFT - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`),
    `<text transform="translate(14 ${TOP + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(c.unit)}${log ? ' (log scale)' : ''}</text>`,
    ...c.categories.map((cat, i) => `<text x="${(LEFT + groupW * (i + 0.5)).toFixed(1)}" y="${H - BOTTOM + 18}" text-anchor="middle">${escape(cat)}</text>`),
    ...c.series.flatMap((s, k) =>
      s.values.flatMap((v, i) => {
        if (v === undefined || !(v > 0)) return [];
        const x = LEFT + groupW * i + groupW * 0.1 + barW * k, yTop = y(Math.min(v, top)), base = log ? y(bottom) : y(0);
        return [`<rect x="${x.toFixed(1)}" y="${yTop.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(base - yTop).toFixed(1)}" fill="${colour(s, k)}"><title>${escape(`${s.name} ${c.categories[i]}: ${fmt(v)}`)}</title></rect>`];
      })),
    ...(c.reference === undefined ? [] : [`<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${y(c.reference).toFixed(1)}" y2="${y(c.reference).toFixed(1)}" stroke="black" stroke-dasharray="4 3"/>`]),
    `<line x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${TOP + plotH}" stroke="black"/><line x1="${LEFT}" x2="${LEFT + plotW}" y1="${TOP + plotH}" y2="${TOP + plotH}" stroke="black"/>`,
    ...c.series.map((s, k) => `<rect x="${W - RIGHT + 14}" y="${TOP + 18 * k}" width="12" height="12" fill="${colour(s, k)}"/><text x="${W - RIGHT + 32}" y="${TOP + 18 * k + 10}">${escape(s.name)}</text>`),
    `<text x="${LEFT + plotW / 2}" y="${H - 8}" text-anchor="middle">${escape(c.categoryLabel)}</text>`,
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}
