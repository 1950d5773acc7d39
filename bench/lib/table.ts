// A table of strings rendered as aligned text (stdout) or as markdown (BENCHMARKS.md).

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** Leading columns that hold labels (left-aligned); default 2. */
  labels?: number;
}

export function renderText(t: Table): string {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i].length)));
  const labels = t.labels ?? 2;
  const line = (cells: string[]): string => cells.map((c, i) => (i < labels ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  return [t.title, line(t.headers), widths.map((w) => '-'.repeat(w)).join('-|-'), ...t.rows.map(line)].join('\n');
}

export function renderMarkdown(t: Table): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const align = t.headers.map((_, i) => (i < (t.labels ?? 2) ? ':--' : '--:'));
  return [`**${t.title}**`, '', line(t.headers), line(align), ...t.rows.map(line)].join('\n');
}

/** The markdown lines listing what a section could not measure (none when nothing is absent). */
export function absentSection(items: string[]): string[] {
  return items.length ? ['Absent:', '', ...items.map((item) => `- ${item}`), ''] : [];
}
