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
function absentSection(items: string[]): string[] {
  return items.length ? ['Absent:', '', ...items.map((item) => `- ${item}`), ''] : [];
}

/** A section's tables in markdown, each followed by a blank line, then the list of what it could not measure. */
export function markdownTables(tables: Table[], absent: string[]): string[] {
  return [...tables.flatMap((t) => [renderMarkdown(t), '']), ...absentSection(absent)];
}

/** The absent-list items of a stage whose absences name a runner. */
export const absentRunners = (absent: { runner: string; reason: string }[]): string[] => absent.map((a) => `**${a.runner}**: ${a.reason}`);

/** Prints a stage's tables as text and what it could not measure (stdout). */
export function printTables(tables: Table[], absent: { runner: string; reason: string }[]): void {
  for (const table of tables) console.log(`\n${renderText(table)}`);
  for (const a of absent) console.log(`absent: ${a.runner}: ${a.reason}`);
}
