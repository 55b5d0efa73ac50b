/**
 * How deeply a JSON text nests, found by one pass over the characters (brackets outside strings),
 * before anything parses it. JSON.parse copes with deep input, but every recursive walk after it
 * (schema validation, our own checks, the store) overflows the stack on `[[[[…` 100,000 levels deep,
 * which used to answer 500. Counting first means no deep value ever exists.
 */

/** True when `text` opens more than `max` arrays/objects inside one another. Malformed text is left for JSON.parse to refuse. */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i += 1; // backslash: skip the escaped character (\" does not end the string)
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth -= 1;
  }
  return false;
}
