/**
 * Blindfold mode shows no numbers at all in the mixer (a listener judging by ear should not read a
 * level, a loudness or even a time). User-written names keep their meaning with numbers spelt out:
 * "Verse 2" -> "Verse two", "Gtr 12" -> "Gtr twelve"; "+3 dB" -> "up".
 */
const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = [
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

function spell(digits: string): string {
  const n = Number(digits);
  if (digits.length > 2 || digits.startsWith('0')) return [...digits].map((d) => ONES[Number(d)]).join(' ');
  if (n < 10) return ONES[n]!;
  if (n < 20) return TEENS[n - 10]!;
  const t = TENS[Math.floor(n / 10)]!;
  return n % 10 === 0 ? t : `${t}-${ONES[n % 10]}`;
}

/** `text` with every run of digits spelt out and "dB" removed. */
export function blindText(text: string): string {
  return text
    .replace(/([+\-−])\s*\d+(?:\.\d+)?\s*dB\b/gi, (_m, sign: string) => (sign === '+' ? 'up' : 'down'))
    .replace(/\bdB\b/gi, '')
    .replace(
      /(\d+)\.(\d+)/g,
      (_m, a: string, b: string) => `${spell(a)} point ${[...b].map((d) => ONES[Number(d)]).join(' ')}`,
    )
    .replace(/\d+/g, (d) => spell(d))
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** True when a string contains something blindfold mode must not show. */
export function hasNumbers(text: string): boolean {
  return /\d|\bdB\b/i.test(text);
}
