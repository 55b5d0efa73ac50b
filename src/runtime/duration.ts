/** ISO 8601 durations as Graph writes them (`PT30M`, `P30D`, `PT0.016S`), in milliseconds. */
const DURATION = /^(-)?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseDurationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (m === null || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const [, sign, w, d, h, min, s] = m;
  if (w === undefined && d === undefined && h === undefined && min === undefined && s === undefined) return undefined;
  const ms = Number(w ?? 0) * 604_800_000 + Number(d ?? 0) * 86_400_000 + Number(h ?? 0) * 3_600_000 + Number(min ?? 0) * 60_000 + Number(s ?? 0) * 1000;
  return sign === '-' ? -ms : ms;
}

export function formatDurationMs(ms: number): string {
  const seconds = ms / 1000;
  return `PT${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, '')}S`;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 date or date-time in milliseconds; without a zone it is UTC, as Graph reads it. */
export function parseInstantMs(text: string): number | undefined {
  const trimmed = text.trim();
  const m = INSTANT.exec(trimmed);
  if (m === null) return undefined;
  const [y, mo, d] = trimmed.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return undefined; // 2025-02-30
  const zoned = trimmed.includes('T') && m[1] === undefined ? `${trimmed}Z` : trimmed;
  // JavaScript keeps milliseconds only; drop finer digits rather than reject them.
  const t = Date.parse(zoned.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(t) ? undefined : t;
}
