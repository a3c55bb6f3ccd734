/** A member who can be mentioned. */
export interface Mentionable {
  userId: string;
  displayName: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * User ids of the members mentioned as `@Display Name` in a note body (case-insensitive, whole names).
 * When names overlap ("@Ada" and "@Ada Lovelace"), the longest name written wins that spot.
 */
export function findMentions(body: string, members: readonly Mentionable[]): string[] {
  const byLength = [...members]
    .filter((m) => m.displayName.trim().length > 0)
    .sort((a, b) => b.displayName.length - a.displayName.length);
  const claimed: [number, number][] = [];
  const found = new Set<string>();
  for (const member of byLength) {
    const re = new RegExp(
      `(?<![\\p{L}\\p{N}_@])@${escapeRegExp(member.displayName.trim())}(?![\\p{L}\\p{N}_])`,
      'giu',
    );
    for (const match of body.matchAll(re)) {
      const start = match.index;
      const end = start + match[0].length;
      if (claimed.some(([s, e]) => start < e && end > s)) continue;
      claimed.push([start, end]);
      found.add(member.userId);
    }
  }
  return [...found];
}
