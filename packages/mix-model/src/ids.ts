import { ID_PATTERN } from './constants.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/**
 * A new random id (16 characters of [A-Za-z0-9], ~95 bits) matching {@link ID_PATTERN}.
 * Uses Web Crypto when the platform has it (browsers, Node >= 19), else Math.random.
 *
 * @example
 * const id = newId(); // 'q3ZtV0c9LmA1xYpB'
 */
export function newId(): string {
  const bytes = new Uint8Array(16);
  const source = (globalThis as { crypto?: Partial<RandomSource> }).crypto;
  if (source?.getRandomValues) source.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let id = '';
  // 248 = 4 * 62: rejecting larger bytes keeps the characters uniform; the fallback tops up.
  for (const b of bytes) id += ALPHABET[b < 248 ? b % 62 : Math.floor(Math.random() * 62)];
  return id;
}

/** True when `value` is a well-formed id. [MM-3] */
export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Key of a section offset inside a scene's `offsets` map: `"sectionId:stemId"`. [MM-3] */
export function offsetKey(sectionId: string, stemId: string): string {
  return `${sectionId}:${stemId}`;
}

/** Splits an offsets key into its ids, or returns null when it is malformed. [MM-3] */
export function parseOffsetKey(key: string): { sectionId: string; stemId: string } | null {
  const colon = key.indexOf(':');
  if (colon < 0) return null;
  const sectionId = key.slice(0, colon);
  const stemId = key.slice(colon + 1);
  return isValidId(sectionId) && isValidId(stemId) ? { sectionId, stemId } : null;
}
