/**
 * `--json`: the bench's figures as one JSON document on stdout instead of markdown. Every part already
 * renders its figures, baselines and ratios as markdown tables; those tables are read back into rows
 * here, so a new part (one line in run.ts's PARTS) is in the JSON with no code of its own.
 */

/** One table cell: as shown, and its leading number with the rest of the text as the unit ("64%" → 64, "%"). */
export interface JsonCell {
  text: string;
  number: number | null;
  unit: string;
}

export interface JsonTable {
  /** The nearest heading above the table (without the #s), or null. */
  title: string | null;
  columns: string[];
  /** One object a row: column name → cell. */
  rows: Array<Record<string, JsonCell>>;
}

export interface JsonPart {
  part: string;
  /** Wall-clock time of the part, ms. */
  elapsedMs: number;
  /** 1, 5 and 15-minute load averages when the part started and when it ended. */
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  tables: JsonTable[];
  /** The part's markdown, as the default output prints it. */
  markdown: string;
}

export interface JsonReport {
  command: string;
  node: string;
  cpus: number;
  date: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  elapsedMs: number;
  /** The parts run, in the order they ran. */
  parts: JsonPart[];
}

const NUMBER = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?/;

export function cell(raw: string): JsonCell {
  const text = raw.replaceAll('**', '').replaceAll('`', '').trim();
  const match = NUMBER.exec(text)?.[0] ?? '';
  const digits = match.replaceAll(',', '');
  if (!/\d/.test(digits)) return { text, number: null, unit: '' };
  return { text, number: Number(digits), unit: text.slice(match.length).trim() };
}

const splitRow = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());

/** Every markdown table in `markdown` (header row, `---` row, rows), with the heading above it. */
export function tablesOf(markdown: string): JsonTable[] {
  const lines = markdown.split('\n');
  const tables: JsonTable[] = [];
  let title: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading !== null) {
      title = heading[1]!.trim();
      continue;
    }
    const separator = lines[i + 1]?.trim() ?? '';
    if (!line.startsWith('|') || !/^\|(\s*:?-{3,}:?\s*\|)+$/.test(separator)) continue;
    const columns = splitRow(line).map((c, index) => c.replaceAll('**', '') || (index === 0 ? 'figure' : `column ${index + 1}`));
    const rows: JsonTable['rows'] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.trim().startsWith('|'); j++) {
      const cells = splitRow(lines[j]!);
      rows.push(Object.fromEntries(columns.map((column, k) => [column, cell(cells[k] ?? '')])));
    }
    tables.push({ title, columns, rows });
    i = j - 1;
  }
  return tables;
}

interface Pushed {
  part: string;
  began: number;
  loadAverageAtStart: number[];
  ended: number;
  loadAverageAtEnd: number[];
  markdown: string;
}

/**
 * The markdown sections of a run, each with the part that was running when it was pushed: run.ts
 * calls begin(part) as a part starts (from its `wants`) and push(markdown) when it has rendered.
 */
export class Sections {
  private readonly pushed: Pushed[] = [];
  private current: { part: string; began: number; loadAverage: number[] } | undefined;

  constructor(private readonly loadavg: () => number[]) {}

  begin(part: string): void {
    if (this.current?.part === part) return;
    this.current = { part, began: performance.now(), loadAverage: this.loadavg() };
  }

  push(markdown: string): void {
    const current = this.current ?? { part: 'unknown', began: performance.now(), loadAverage: this.loadavg() };
    this.pushed.push({ part: current.part, began: current.began, loadAverageAtStart: current.loadAverage, ended: performance.now(), loadAverageAtEnd: this.loadavg(), markdown });
  }

  all(): string[] {
    return this.pushed.map((p) => p.markdown);
  }

  /** The parts as JSON; `extra` (start-up and throughput, rendered apart) come first. */
  toJson(extra: readonly JsonPart[] = []): JsonPart[] {
    return [
      ...extra,
      ...this.pushed.map((p) => ({
        part: p.part,
        elapsedMs: Math.round(p.ended - p.began),
        loadAverageAtStart: p.loadAverageAtStart,
        loadAverageAtEnd: p.loadAverageAtEnd,
        tables: tablesOf(p.markdown),
        markdown: p.markdown,
      })),
    ];
  }
}
