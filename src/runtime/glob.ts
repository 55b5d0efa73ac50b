/**
 * Path globs where `*` matches any run of characters, compared ignoring case. Matching is a scan
 * over the text, never a backtracking regular expression: a pattern like `/v1.0/*a*a*a*a*a*a*b`
 * against a long path costs a few `indexOf` calls, not exponential time (a RegExp `.*a.*a…b` stalls
 * the event loop for seconds).
 */
export type GlobMatcher = (text: string) => boolean;

export function compileGlob(pattern: string): GlobMatcher {
  const parts = pattern.toLowerCase().split('*');
  const first = parts[0] ?? '';
  if (parts.length === 1) return (text) => text.toLowerCase() === first;
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  return (input) => {
    const text = input.toLowerCase();
    if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
    // Leftmost match of each middle literal is optimal for `*`-only globs: taking it early leaves the most room.
    let at = first.length;
    const end = text.length - last.length;
    for (const part of middle) {
      const found = text.indexOf(part, at);
      if (found < 0 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}
