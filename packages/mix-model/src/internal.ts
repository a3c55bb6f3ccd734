// Internal helpers shared by read, ops, validation and reconcile. Not exported from index.ts.
import * as Y from 'yjs';
import { ROOT, SCHEMA_VERSION } from './constants.js';
import { MixModelError } from './errors.js';

export type YMap = Y.Map<unknown>;
// biome-ignore lint/suspicious/noExplicitAny: yjs types are invariant in their event type; any type goes here.
export type AnyType = Y.AbstractType<any>;

export interface Roots {
  readonly meta: YMap;
  readonly brief: YMap;
  readonly sections: YMap;
  readonly stems: YMap;
  readonly scenes: YMap;
}

export function roots(doc: Y.Doc): Roots {
  return {
    meta: doc.getMap(ROOT.meta),
    brief: doc.getMap(ROOT.brief),
    sections: doc.getMap(ROOT.sections),
    stems: doc.getMap(ROOT.stems),
    scenes: doc.getMap(ROOT.scenes),
  };
}

// Exact constructor checks: Y.XmlText extends Y.Text, and hostile updates can carry any type.
export function isYMap(v: unknown): v is YMap {
  return v instanceof Y.Map && v.constructor === Y.Map;
}
export function isYArray(v: unknown): v is Y.Array<unknown> {
  return v instanceof Y.Array && v.constructor === Y.Array;
}
export function isYText(v: unknown): v is Y.Text {
  return v instanceof Y.Text && v.constructor === Y.Text;
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function str(map: YMap, key: string, fallback = ''): string {
  const v = map.get(key);
  return typeof v === 'string' ? v : fallback;
}
export function num(map: YMap, key: string, fallback: number): number {
  const v = map.get(key);
  return isFiniteNumber(v) ? v : fallback;
}
export function bool(map: YMap, key: string, fallback = false): boolean {
  const v = map.get(key);
  return typeof v === 'boolean' ? v : fallback;
}
export function childMap(map: YMap, key: string): YMap | undefined {
  const v = map.get(key);
  return isYMap(v) ? v : undefined;
}

/** Sorted keys: Y.Map iteration order differs between peers, so deterministic code sorts. */
export function sortedKeys(map: YMap): string[] {
  return [...map.keys()].sort(compareStrings);
}

/** Locale-independent string order (same on every peer). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sets `key` only when the value differs, so repeated writes create no update. */
export function setIfChanged(map: YMap, key: string, value: unknown): boolean {
  if (map.has(key) && Object.is(map.get(key), value)) return false;
  map.set(key, value);
  return true;
}

export function requireSeeded(doc: Y.Doc): Roots {
  const r = roots(doc);
  const version = r.meta.get('schemaVersion');
  if (version === undefined) {
    throw new MixModelError('not-seeded', 'The mix document has not been seeded by the server yet.');
  }
  if (version !== SCHEMA_VERSION) {
    throw new MixModelError(
      'invalid-argument',
      `Unsupported mix document schema version ${String(version)} (this code knows ${SCHEMA_VERSION}).`,
    );
  }
  return r;
}

/** Replaces the content of a Y.Text with `next` by editing only the changed middle (keeps merges local). */
export function replaceText(text: Y.Text, next: string): void {
  const prev = text.toString();
  if (prev === next) return;
  let start = 0;
  const max = Math.min(prev.length, next.length);
  while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  let endPrev = prev.length;
  let endNext = next.length;
  while (
    endPrev > start &&
    endNext > start &&
    prev.charCodeAt(endPrev - 1) === next.charCodeAt(endNext - 1)
  ) {
    endPrev--;
    endNext--;
  }
  // Never split a surrogate pair: widen the edit to whole code points.
  if (start > 0 && isHighSurrogate(prev.charCodeAt(start - 1))) start--;
  if (endPrev < prev.length && isLowSurrogate(prev.charCodeAt(endPrev))) {
    endPrev++;
    endNext++;
  }
  if (endPrev > start) text.delete(start, endPrev - start);
  if (endNext > start) text.insert(start, next.slice(start, endNext));
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** JSON-quoted and truncated, for hostile keys inside messages and paths. */
export function quote(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? value : String(value);
  } catch {
    s = '?';
  }
  if (s.length > 64) s = `${s.slice(0, 64)}…`;
  return JSON.stringify(s);
}
