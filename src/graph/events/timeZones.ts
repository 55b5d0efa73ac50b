/**
 * `Prefer: outlook.timezone="..."` on event reads (https://learn.microsoft.com/graph/api/user-list-calendarview):
 * an event's `start` and `end` in the named zone instead of UTC. Outlook takes Windows zone names
 * ("Pacific Standard Time") and the IANA names of its additional list ("America/Los_Angeles")
 * (https://learn.microsoft.com/graph/api/resources/datetimetimezone); any other name is refused with
 * Exchange's 400 TimeZoneNotSupportedException, as the service answers it
 * (microsoftgraph/microsoft-graph-docs#6870).
 */
import type { FastifyRequest } from 'fastify';
import { GraphError } from '../../http/errors.js';

/** The zone a client asked for: its name as sent (echoed in `timeZone`), and the IANA zone behind it. */
export interface EventTimeZone {
  readonly name: string;
  readonly iana: string;
}

type WindowsIana = typeof import('windows-iana');

/** Loaded on first use: the CLDR mapping is ~80 KB that start-up need not parse. */
let windowsIana: Promise<WindowsIana> | undefined;
async function loadWindowsIana(): Promise<WindowsIana> {
  windowsIana ??= import('windows-iana').then((mod) => ((mod as WindowsIana & { default?: WindowsIana }).default ?? mod) as WindowsIana);
  return windowsIana;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An Intl formatter for the zone, or undefined when the runtime does not know it as an IANA zone. */
function formatterFor(iana: string): Intl.DateTimeFormat | undefined {
  let formatter = formatters.get(iana);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: iana,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      return undefined;
    }
    formatters.set(iana, formatter);
  }
  return formatter;
}

const notSupported = (name: string): GraphError =>
  new GraphError(400, 'TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`);

/** The request's preferred zone; undefined without the preference (UTC, Outlook's default). */
export async function preferredTimeZone(request: FastifyRequest): Promise<EventTimeZone | undefined> {
  const name = request.graphState.prefer?.all['outlook.timezone'];
  if (name === undefined) return undefined;
  const trimmed = name.trim();
  // An IANA name contains a slash; "UTC" (and "Etc/..." names) Intl knows directly.
  if (trimmed.includes('/') || trimmed === 'UTC') {
    if (formatterFor(trimmed) === undefined) throw notSupported(name);
    return { name: trimmed, iana: trimmed };
  }
  // Windows zone ids are case-insensitive (.NET's TimeZoneInfo); CLDR's territory "001" row is the zone's own.
  const lower = trimmed.toLowerCase();
  const iana = (await loadWindowsIana()).WINDOWS_TO_IANA_MAP.find((row) => row.territory === '001' && row.windowsName.toLowerCase() === lower)?.iana[0];
  if (iana === undefined || formatterFor(iana) === undefined) throw notSupported(name);
  return { name: trimmed, iana };
}

/** An instant as Outlook writes a dateTimeTimeZone's `dateTime` in `zone`: local time, no offset, seven fractional digits. */
export function localDateTime(iso: string, zone: EventTimeZone | undefined): string {
  const formatter = zone === undefined ? undefined : formatterFor(zone.iana);
  if (formatter === undefined) return `${iso.slice(0, 19)}.0000000`;
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of formatter.formatToParts(new Date(iso))) part[type] = value;
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}.0000000`;
}
