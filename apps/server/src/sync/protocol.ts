import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

// The y-websocket wire format (y-protocols): every frame is one binary message,
// `varUint messageType` followed by its payload. See SYNC.md [SY-2].
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/** A client frame, decoded. Payload arrays are views into the frame (no copy). */
export type ClientMessage =
  | { kind: 'step1'; stateVector: Uint8Array }
  | { kind: 'step2' | 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' };

/** A frame the server does not understand; the connection is closed with 4400. [SY-6] */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/**
 * Decodes one client frame strictly: known message types only, length prefixes within the frame, no
 * trailing bytes. Never throws anything but {@link ProtocolError}.
 */
export function parseClientMessage(frame: Uint8Array): ClientMessage {
  if (frame.length === 0) throw new ProtocolError('Empty message.');
  const decoder = decoding.createDecoder(frame);
  let message: ClientMessage;
  try {
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const step = decoding.readVarUint(decoder);
      const payload = readPayload(decoder);
      if (step === SYNC_STEP1) message = { kind: 'step1', stateVector: payload };
      else if (step === SYNC_STEP2) message = { kind: 'step2', update: payload };
      else if (step === SYNC_UPDATE) message = { kind: 'update', update: payload };
      else throw new ProtocolError(`Unknown sync message type ${step}.`);
    } else if (type === MESSAGE_AWARENESS) {
      message = { kind: 'awareness', update: readPayload(decoder) };
    } else if (type === MESSAGE_QUERY_AWARENESS) {
      message = { kind: 'query-awareness' };
    } else {
      throw new ProtocolError(`Unknown message type ${type}.`);
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError('Truncated or malformed message.');
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('Unexpected bytes after the message.');
  return message;
}

function readPayload(decoder: decoding.Decoder): Uint8Array {
  const length = decoding.readVarUint(decoder);
  // lib0 would throw a RangeError deep inside; check first so a huge length prefix is a clean error.
  if (length > decoder.arr.length - decoder.pos) throw new ProtocolError('Length prefix beyond the message.');
  return decoding.readUint8Array(decoder, length);
}

function encodeSyncMessage(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** Step 1: the server's state vector (the peer answers with what the server lacks). */
export const encodeSyncStep1 = (stateVector: Uint8Array) => encodeSyncMessage(SYNC_STEP1, stateVector);

/** Step 2: the answer to a peer's step 1, an update with everything its state vector lacks. */
export const encodeSyncStep2 = (update: Uint8Array) => encodeSyncMessage(SYNC_STEP2, update);

export const encodeUpdateMessage = (update: Uint8Array) => encodeSyncMessage(SYNC_UPDATE, update);

export function encodeAwarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

const utf8 = new TextDecoder();

/** One entry of an awareness update: a client's presence state (null = left) at a clock. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The JSON text of the state, as sent. */
  json: string;
}

/** Decodes an awareness update (throws ProtocolError); at most `maxEntries` entries. */
export function decodeAwarenessUpdate(update: Uint8Array, maxEntries: number): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  try {
    const count = decoding.readVarUint(decoder);
    if (count > maxEntries) throw new ProtocolError(`Awareness update with ${count} entries.`);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      entries.push({ clientId, clock, json: utf8.decode(readPayload(decoder)) });
    }
    if (decoding.hasContent(decoder)) throw new ProtocolError('Unexpected bytes after the awareness update.');
    return entries;
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError('Malformed awareness update.');
  }
}

export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, e.json);
  }
  return encoding.toUint8Array(encoder);
}
