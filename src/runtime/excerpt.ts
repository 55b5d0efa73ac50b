/**
 * A bounded excerpt of client input for an error message. A message that quotes what the client sent
 * helps them find it, but echoing all of an 800 KB value makes every error as large as the request
 * (and a log line per error as large again). Longer values keep their start, then `…` and the length.
 */
export const EXCERPT_MAX = 200;

export function excerpt(value: string, max: number = EXCERPT_MAX): string {
  if (value.length <= max) return value;
  // Do not cut a surrogate pair in half: a lone surrogate is not valid text.
  const code = value.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${value.slice(0, end)}… (${value.length} characters)`;
}

/**
 * The last line of defence, where an error body is written: a whole message is bounded too, for a
 * message that quotes input without going through `excerpt` (several quoted values, or one missed).
 */
export const MESSAGE_MAX = 2000;

export const boundedMessage = (message: string): string => excerpt(message, MESSAGE_MAX);
