import * as Y from 'yjs';
import { ROOT_NAMES, type RootName } from './constants.js';
import { type AnyType, isFiniteNumber, isYArray, isYMap, isYText, quote, type YMap } from './internal.js';
import { planRepairs, type RepairCode } from './reconcile.js';
import { type Container, type Field, ROOT_SCHEMA, SECTION, type SchemaNode } from './schema.js';

/**
 * `error`: the state is malformed (wrong type, out of range, unknown root...) — the sync server rejects
 * the update. `repairable`: an invariant that merging valid concurrent edits can break (overlapping
 * sections, dangling ids...) — {@link reconcileMix} repairs it. [MM-9]
 */
export type IssueSeverity = 'error' | 'repairable';

/** Kinds of `error` issue. */
export type IssueCode =
  | 'unknown-root'
  | 'wrong-type'
  | 'list-content-in-map'
  | 'map-content-in-list'
  | 'unknown-field'
  | 'missing-field'
  | 'bad-key'
  | 'out-of-range'
  | 'not-integer'
  | 'bad-format'
  | 'too-long'
  | 'too-many'
  | 'bad-text-content'
  | 'inverted-section'
  | 'unexpected-type'
  | 'missing-dependencies'
  | 'internal';

/** A problem found in a mix document. */
export interface MixIssue {
  readonly severity: IssueSeverity;
  readonly code: IssueCode | RepairCode;
  /** Where, e.g. `stems/vox/faderDb`, `brief/references/2/url`; hostile keys are JSON-quoted. */
  readonly path: string;
  readonly message: string;
}

/** Most `error` issues reported for one call: a hostile update cannot make the answer large. */
export const MAX_ISSUES = 50;

class Checker {
  readonly issues: MixIssue[] = [];
  private newItems: Map<AnyType, Y.Item[]> | undefined;

  constructor(
    readonly doc: Y.Doc,
    readonly tr: Y.Transaction | null,
  ) {}

  private readonly seen = new Set<string>();

  error(code: IssueCode, path: string, message: string): void {
    const key = `${code}@${path}`;
    if (this.issues.length >= MAX_ISSUES || this.seen.has(key)) return;
    this.seen.add(key);
    this.issues.push({ severity: 'error', code, path, message });
  }

  get full(): boolean {
    return this.issues.length >= MAX_ISSUES;
  }

  /** True when the type was created by the transaction being validated. */
  isNew(type: AnyType): boolean {
    const item = type._item;
    if (this.tr === null || item === null) return false;
    return item.id.clock >= (this.tr.beforeState.get(item.id.client) ?? 0);
  }

  /**
   * True when the transaction made `key` present in `map` (it was absent before), so counting the map
   * is needed only then: updating an existing key cannot exceed a cap.
   */
  keyAdded(map: YMap, key: string): boolean {
    const item = map._map.get(key);
    if (this.tr === null || item === undefined || item.deleted) return false;
    if (item.id.clock < (this.tr.beforeState.get(item.id.client) ?? 0)) return false; // not written now
    const previous = item.left;
    // The previous value was alive before this transaction if this transaction deleted it.
    return previous === null || !Y.isDeleted(this.tr.deleteSet, previous.id);
  }

  /** Items the transaction inserted under `parent` (null = not validating a transaction). */
  itemsInsertedInto(parent: AnyType): Y.Item[] | null {
    if (this.tr === null) return null;
    if (this.newItems === undefined) {
      this.newItems = new Map();
      for (const [client, after] of this.tr.afterState) {
        const before = this.tr.beforeState.get(client) ?? 0;
        const structs = this.doc.store.clients.get(client);
        if (after <= before || structs === undefined) continue;
        for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
          const s = structs[i]!;
          if (s.id.clock >= after) break;
          if (!(s instanceof Y.Item) || !(s.parent instanceof Y.AbstractType)) continue;
          const list = this.newItems.get(s.parent) ?? [];
          list.push(s);
          this.newItems.set(s.parent, list);
        }
      }
    }
    return this.newItems.get(parent) ?? [];
  }
}

/**
 * Validates a whole document: structure, types, ranges (`error`) and the invariants reconcile repairs
 * (`repairable`). Never throws. An empty array means the document is valid and reconciled. [MM-9]
 *
 * @example
 * const errors = validateMix(doc).filter((i) => i.severity === 'error');
 */
export function validateMix(doc: Y.Doc): MixIssue[] {
  const ck = new Checker(doc, null);
  try {
    const names = checkRoots(doc, ck);
    for (const name of ROOT_NAMES) {
      if (ck.full) break;
      const existing = doc.share.get(name);
      if (existing !== undefined && names.typed.get(name) === undefined) continue; // wrong root type, reported
      checkNode(ROOT_SCHEMA[name], doc.getMap(name), name, ck);
    }
    if (ck.issues.length === 0) {
      for (const r of planRepairs(doc)) {
        ck.issues.push({ severity: 'repairable', code: r.code, path: r.path, message: r.message });
      }
    }
  } catch (e) {
    ck.error('internal', '', `Validation failed: ${errorText(e)}`);
  }
  return ck.issues;
}

/**
 * Validates what one transaction changed — the entries named by `transaction.changed` (deeply, for
 * subtrees it created), the text it inserted, plus the root allow-list — and returns `error` issues
 * only: a merge of valid concurrent edits never produces one, so the sync server can reject any update
 * that does. Relational invariants (overlaps, dangling ids, sections beyond the song) are left to
 * {@link reconcileMix}. Never throws, whatever the update contains. [MM-9]
 *
 * @example
 * shadow.on('afterTransaction', (tr) => { issues.push(...validateTransaction(shadow, tr)); });
 * Y.applyUpdate(shadow, incoming);
 * if (issues.length > 0) reject(issues[0]); // and throw the shadow copy away
 */
export function validateTransaction(doc: Y.Doc, transaction: Y.Transaction): MixIssue[] {
  const ck = new Checker(doc, transaction);
  try {
    const names = checkRoots(doc, ck);
    for (const [type, keys] of transaction.changed) {
      if (ck.full) break;
      const loc = locate(type, names);
      if (loc === 'skip') continue;
      if (loc === 'unknown') {
        ck.error('unexpected-type', '', 'A change was made inside a type that has no place in the schema.');
        continue;
      }
      checkChanged(loc.node, loc.type, keys, loc.path, ck);
    }
  } catch (e) {
    ck.error('internal', '', `Validation failed: ${errorText(e)}`);
  }
  return ck.issues;
}

/**
 * Applies an update to a document (for the server: a shadow copy of the live document) and returns the
 * `error` issues of the resulting transaction, plus `missing-dependencies` when part of the update could
 * not be integrated (it depends on updates this document has not seen). On any issue, discard the
 * document. Never throws (a malformed update is reported as an issue). [MM-9]
 *
 * @example
 * const shadow = new Y.Doc(); Y.applyUpdate(shadow, Y.encodeStateAsUpdate(live));
 * const issues = applyUpdateValidated(shadow, update);
 * if (issues.length === 0) Y.applyUpdate(live, update, connection);
 */
export function applyUpdateValidated(doc: Y.Doc, update: Uint8Array, origin?: unknown): MixIssue[] {
  const issues: MixIssue[] = [];
  const onTransaction = (tr: Y.Transaction) => {
    issues.push(...validateTransaction(doc, tr));
  };
  doc.on('afterTransaction', onTransaction);
  try {
    Y.applyUpdate(doc, update, origin);
  } catch (e) {
    issues.push({
      severity: 'error',
      code: 'internal',
      path: '',
      message: `Malformed update: ${errorText(e)}`,
    });
  } finally {
    doc.off('afterTransaction', onTransaction);
  }
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
    issues.push({
      severity: 'error',
      code: 'missing-dependencies',
      path: '',
      message: 'The update depends on changes this document has not received.',
    });
  }
  return issues.slice(0, MAX_ISSUES);
}

/** One line for logs and WebSocket close reasons (which are capped at 123 bytes: cut it). */
export function formatIssue(issue: MixIssue): string {
  return `${issue.path || '(document)'}: ${issue.message}`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------- roots [MM-1]

interface RootIndex {
  /** Every root type object seen (including untyped ones replaced by getMap) -> its name. */
  readonly byType: Map<AnyType, string>;
  /** Allowed roots that are (now) Y.Maps. */
  readonly typed: Map<string, YMap>;
}

function checkRoots(doc: Y.Doc, ck: Checker): RootIndex {
  const byType = new Map<AnyType, string>();
  const typed = new Map<string, YMap>();
  for (const [name, type] of [...doc.share]) {
    byType.set(type, name);
    if (!(ROOT_NAMES as readonly string[]).includes(name)) {
      ck.error('unknown-root', quote(name), `Root type ${quote(name)} is not part of the mix document.`);
      continue;
    }
    let map: AnyType = type;
    // A root created by an incoming update is an untyped AbstractType until someone asks for it.
    if (type.constructor === Y.AbstractType) map = doc.getMap(name);
    if (!isYMap(map)) {
      ck.error('wrong-type', name, `Root ${name} must be a Y.Map.`);
      continue;
    }
    byType.set(map, name);
    typed.set(name, map);
    checkNoListContent(map, name, ck);
  }
  return { byType, typed };
}

// ---------------------------------------------------------------- locating a changed type

function locate(
  type: AnyType,
  roots: RootIndex,
): { node: SchemaNode; path: string; type: AnyType } | 'skip' | 'unknown' {
  const segments: (string | number)[] = [];
  let t: AnyType = type;
  while (t._item !== null) {
    const item = t._item;
    const parent = item.parent;
    if (item.deleted || !(parent instanceof Y.AbstractType)) return 'skip'; // unreachable content
    segments.push(item.parentSub ?? indexInList(parent, item));
    t = parent;
  }
  const name = roots.byType.get(t);
  if (name === undefined || !roots.typed.has(name)) return 'skip'; // unknown/wrong root: reported
  let node: SchemaNode = ROOT_SCHEMA[name as RootName];
  let path = name;
  for (const seg of segments.reverse()) {
    if (node.t === 'fixedMap' && typeof seg === 'string') {
      const field: Field | undefined = node.fields[seg];
      if (field === undefined) return 'unknown';
      node = field.node;
    } else if (node.t === 'record' && typeof seg === 'string') node = node.value;
    else if (node.t === 'array' && typeof seg === 'number') node = node.item;
    else return 'unknown';
    path = join(path, seg);
  }
  return { node, path, type: type._item === null ? roots.typed.get(name)! : type };
}

function indexInList(parent: AnyType, target: Y.Item): number {
  let index = 0;
  for (let item = parent._start; item !== null; item = item.right) {
    if (item === target) return index;
    if (!item.deleted && item.countable) index += item.length;
  }
  return -1;
}

function join(path: string, key: string | number): string {
  const seg = typeof key === 'number' || /^[A-Za-z0-9_:-]{1,130}$/.test(key) ? String(key) : quote(key);
  return path === '' ? seg : `${path}/${seg}`;
}

// ---------------------------------------------------------------- checking

function checkChanged(
  node: SchemaNode,
  type: AnyType,
  keys: Set<string | null>,
  path: string,
  ck: Checker,
): void {
  switch (node.t) {
    case 'fixedMap': {
      if (!isYMap(type)) {
        ck.error('wrong-type', path, `${node.what} must be a Y.Map.`);
        return;
      }
      for (const key of keys) {
        if (key === null) checkNoListContent(type, path, ck);
        else checkField(node, type, key, path, ck);
      }
      if (node === SECTION) checkSectionRelations(type, path, ck);
      return;
    }
    case 'record': {
      if (!isYMap(type)) {
        ck.error('wrong-type', path, `${node.what} must be a Y.Map.`);
        return;
      }
      let added = false;
      for (const key of keys) {
        if (key === null) checkNoListContent(type, path, ck);
        else if (type.has(key)) {
          added ||= ck.keyAdded(type, key);
          checkRecordEntry(node, type, key, path, ck);
        }
      }
      if (added && type.size > node.max) {
        ck.error('too-many', path, `${node.what} has ${type.size} entries; the limit is ${node.max}.`);
      }
      return;
    }
    case 'array':
    case 'text':
      if ([...keys].some((k) => k !== null)) {
        ck.error('map-content-in-list', path, `${node.what} must not have map entries.`);
      }
      checkNode(node, type, path, ck);
      return;
    default:
      ck.error('unexpected-type', path, 'A change was made inside a value that must not be a shared type.');
  }
}

function checkField(
  node: Container & { t: 'fixedMap' },
  map: YMap,
  key: string,
  path: string,
  ck: Checker,
): void {
  const field = node.fields[key];
  const fieldPath = join(path, key);
  if (field === undefined) {
    if (map.has(key)) ck.error('unknown-field', fieldPath, `${node.what} has no field ${quote(key)}.`);
    return;
  }
  if (!map.has(key)) {
    if (field.required) ck.error('missing-field', fieldPath, `${node.what} needs ${quote(key)}.`);
    return;
  }
  checkNode(field.node, map.get(key), fieldPath, ck);
}

function checkRecordEntry(
  node: Container & { t: 'record' },
  map: YMap,
  key: string,
  path: string,
  ck: Checker,
): void {
  const entryPath = join(path, key);
  if (!node.key(key)) {
    ck.error('bad-key', entryPath, `${node.what} key must be ${node.keyHint}, got ${quote(key)}.`);
    return;
  }
  checkNode(node.value, map.get(key), entryPath, ck);
}

/** Deep check of a value against a schema node. */
function checkNode(node: SchemaNode, value: unknown, path: string, ck: Checker): void {
  if (ck.full) return;
  switch (node.t) {
    case 'number':
      if (!isFiniteNumber(value)) {
        ck.error('wrong-type', path, `must be a finite number, got ${describe(value)}.`);
        return;
      }
      if (node.integer && !Number.isInteger(value)) {
        ck.error('not-integer', path, `must be an integer, got ${value}.`);
        return;
      }
      if (value < node.min || value > node.max) {
        ck.error('out-of-range', path, `must be within ${node.min}..${node.max}, got ${value}.`);
      }
      return;
    case 'string':
      if (typeof value !== 'string') {
        ck.error('wrong-type', path, `must be a string, got ${describe(value)}.`);
        return;
      }
      if (value.length > node.max) {
        ck.error('too-long', path, `is ${value.length} characters long; the limit is ${node.max}.`);
        return;
      }
      if (node.pattern && !node.pattern.test(value)) {
        ck.error(
          'bad-format',
          path,
          `must be ${node.patternHint ?? node.pattern.source}, got ${quote(value)}.`,
        );
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        ck.error('wrong-type', path, `must be true or false, got ${describe(value)}.`);
      return;
    case 'enum':
      if (!node.values.includes(value)) {
        ck.error('out-of-range', path, `must be one of ${node.values.join(', ')}, got ${describe(value)}.`);
      }
      return;
    case 'fixedMap': {
      if (!isYMap(value)) {
        ck.error('wrong-type', path, `${node.what} must be a Y.Map, got ${describe(value)}.`);
        return;
      }
      checkNoListContent(value, path, ck);
      for (const key of value.keys()) checkField(node, value, key, path, ck);
      for (const [key, field] of Object.entries(node.fields)) {
        if (field.required && !value.has(key)) {
          ck.error('missing-field', join(path, key), `${node.what} needs ${quote(key)}.`);
        }
      }
      if (node === SECTION) checkSectionRelations(value, path, ck);
      return;
    }
    case 'record': {
      if (!isYMap(value)) {
        ck.error('wrong-type', path, `${node.what} must be a Y.Map, got ${describe(value)}.`);
        return;
      }
      checkNoListContent(value, path, ck);
      let size = 0;
      for (const key of value.keys()) {
        size++;
        checkRecordEntry(node, value, key, path, ck);
      }
      if (size > node.max)
        ck.error('too-many', path, `${node.what} has ${size} entries; the limit is ${node.max}.`);
      return;
    }
    case 'array': {
      if (!isYArray(value)) {
        ck.error('wrong-type', path, `${node.what} must be a Y.Array, got ${describe(value)}.`);
        return;
      }
      checkNoMapContent(value, node.what, path, ck);
      if (value.length > node.max) {
        ck.error('too-many', path, `${node.what} has ${value.length} entries; the limit is ${node.max}.`);
        return;
      }
      value.toArray().forEach((item, i) => {
        checkNode(node.item, item, join(path, i), ck);
      });
      return;
    }
    case 'text': {
      if (!isYText(value)) {
        ck.error('wrong-type', path, `${node.what} must be a Y.Text, got ${describe(value)}.`);
        return;
      }
      checkNoMapContent(value, node.what, path, ck);
      if (value.length > node.max) {
        ck.error(
          'too-long',
          path,
          `${node.what} is ${value.length} characters long; the limit is ${node.max}.`,
        );
      }
      checkTextContent(value, node.what, path, ck);
      return;
    }
  }
}

/** A section created by this transaction must be well-formed on its own (merge-safe: nobody else wrote it). */
function checkSectionRelations(section: YMap, path: string, ck: Checker): void {
  if (!ck.isNew(section)) return;
  const startS = section.get('startS');
  const endS = section.get('endS');
  if (isFiniteNumber(startS) && isFiniteNumber(endS) && startS >= endS) {
    ck.error('inverted-section', path, `A new section must start before it ends (${startS} >= ${endS}).`);
  }
}

function checkNoListContent(map: AnyType, path: string, ck: Checker): void {
  for (let item = map._start; item !== null; item = item.right) {
    if (!item.deleted) {
      ck.error('list-content-in-map', path, 'A map must not have list content.');
      return;
    }
  }
}

function checkNoMapContent(type: AnyType, what: string, path: string, ck: Checker): void {
  for (const item of type._map.values()) {
    if (!item.deleted) {
      ck.error('map-content-in-list', path, `${what} must not have map entries.`);
      return;
    }
  }
}

/** Plain text only: no formatting attributes, embeds or nested types. Checks only new items in a transaction. */
function checkTextContent(text: Y.Text, what: string, path: string, ck: Checker): void {
  const inserted = ck.itemsInsertedInto(text);
  // Map entries on a text (parentSub set) are reported by checkNoMapContent.
  const bad = (item: Y.Item) =>
    !item.deleted && item.parentSub === null && !(item.content instanceof Y.ContentString);
  if (inserted !== null) {
    if (inserted.some(bad)) ck.error('bad-text-content', path, `${what} must be plain text.`);
    return;
  }
  for (let item = text._start; item !== null; item = item.right) {
    if (bad(item)) {
      ck.error('bad-text-content', path, `${what} must be plain text.`);
      return;
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Y.AbstractType) return `a ${value.constructor.name || 'shared type'}`;
  if (value instanceof Y.Doc) return 'a subdocument';
  if (value instanceof Uint8Array) return 'binary data';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}
