import { AudioDecodeError } from './errors.js';
import type { FileSource } from './file-source.js';
import type { AudioFormat } from './types.js';
import { parseMp3FrameHeader } from './mp3-header.js';

export interface DetectedFormat {
  format: AudioFormat;
  /** Byte offset where the format's own data starts (after an ID3v2 tag for MP3/FLAC). */
  start: number;
}

const ascii = (b: Uint8Array, at: number, s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};

/** Identifies the format from magic bytes only; the file name is never consulted. */
export async function detectFormat(src: FileSource): Promise<DetectedFormat> {
  if (src.size === 0) throw new AudioDecodeError('unreadable', 'file is empty (0 bytes)');
  const head = await src.read(0, 64);
  if (head.length >= 12 && (ascii(head, 0, 'RIFF') || ascii(head, 0, 'RF64') || ascii(head, 0, 'BW64'))) {
    if (ascii(head, 8, 'WAVE')) return { format: 'wav', start: 0 };
  }
  if (head.length >= 12 && ascii(head, 0, 'FORM') && (ascii(head, 8, 'AIFF') || ascii(head, 8, 'AIFC'))) {
    return { format: 'aiff', start: 0 };
  }
  if (ascii(head, 0, 'fLaC')) return { format: 'flac', start: 0 };

  let start = 0;
  if (head.length >= 10 && ascii(head, 0, 'ID3')) {
    // ID3v2 size is a 28-bit "syncsafe" integer; a footer adds 10 bytes.
    const size =
      ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
    start = 10 + size + (head[5]! & 0x10 ? 10 : 0);
    const after = await src.read(start, 4);
    if (ascii(after, 0, 'fLaC')) return { format: 'flac', start };
  }
  const mp3Start = await findMp3Sync(src, start, start > 0 ? 65536 : 0);
  if (mp3Start >= 0) return { format: 'mp3', start: mp3Start };

  if (head.length >= 12 && ascii(head, 0, 'RIFF')) {
    const kind = String.fromCharCode(...head.subarray(8, 12));
    throw new AudioDecodeError(
      'unsupported_format',
      `RIFF file of type "${printable(kind)}" is not WAVE audio`,
    );
  }
  if (ascii(head, 0, 'RIFX'))
    throw new AudioDecodeError('unsupported_format', 'big-endian RIFX WAV is not supported');
  if (ascii(head, 0, 'OggS')) throw new AudioDecodeError('unsupported_format', 'Ogg files are not supported');
  if (head.length >= 8 && ascii(head, 4, 'ftyp')) {
    throw new AudioDecodeError('unsupported_format', 'MP4/M4A files are not supported');
  }
  if (looksLikeText(head)) {
    throw new AudioDecodeError(
      'unsupported_format',
      'not an audio file: it starts with text, not audio magic bytes',
    );
  }
  const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new AudioDecodeError(
    'unsupported_format',
    `not a recognised audio format (starts with bytes ${hex})`,
  );
}

/**
 * Looks for an MPEG audio layer III frame at `from` (or within `scan` bytes of it) whose successor frame
 * header is also valid, so random bytes that happen to start with 0xFFE are not taken for MP3.
 */
async function findMp3Sync(src: FileSource, from: number, scan: number): Promise<number> {
  const buf = await src.read(from, scan + 4096);
  for (let i = 0; i <= scan && i + 4 <= buf.length; i++) {
    if (buf[i] !== 0xff || (buf[i + 1]! & 0xe0) !== 0xe0) continue;
    const h = parseMp3FrameHeader(buf, i);
    if (!h) continue;
    const next = from + i + h.frameBytes;
    if (next + 4 > src.size) {
      if (next <= src.size) return from + i; // a single whole frame: accept
      continue;
    }
    const nb = await src.read(next, 4);
    const h2 = parseMp3FrameHeader(nb, 0);
    if (h2 && h2.sampleRate === h.sampleRate) return from + i;
  }
  return -1;
}

function looksLikeText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  let printableCount = 0;
  for (const c of b)
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 0xc2) printableCount++;
  return printableCount / b.length > 0.95;
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}
