/** Edm.DateTimeOffset literal validation: Date.parse accepts impossible dates (Feb 30), so check fields. */

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/i;

export function parseDateTimeOffset(text: string): Date | null {
  const m = DATETIME.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const fraction = Number(`0.${m[7] ?? '0'}`);
  const zone = (m[8] ?? 'Z').toUpperCase();
  const offsetMinutes = zone === 'Z' ? 0 : offsetToMinutes(zone);
  if (offsetMinutes === null || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return new Date(utc + Math.floor(fraction * 1000) - offsetMinutes * 60_000);
}

function offsetToMinutes(zone: string): number | null {
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}
