import { createHash } from 'node:crypto';
import { MixroomClient } from '@mixroom/client';
import { mediaRoutes } from '@mixroom/contract';

/** A mono 16-bit PCM WAV of `durationS` seconds (a quiet 440 Hz tone) at `sampleRate`. */
export function wav(durationS: number, sampleRate = 8000, frequency = 440): Uint8Array {
  const frames = Math.round(durationS * sampleRate);
  const data = frames * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  for (let i = 0; i < frames; i++) {
    buf.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * frequency * i) / sampleRate)), 44 + i * 2);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Uploads bytes through the tus endpoint in one PATCH; returns the upload id. */
export async function upload(
  client: MixroomClient,
  sessionId: string,
  filename: string,
  bytes: Uint8Array,
): Promise<string> {
  const created = await fetch(`${client.baseUrl}/api/uploads`, {
    method: 'POST',
    headers: {
      ...client.authHeaders(),
      'Tus-Resumable': '1.0.0',
      'Upload-Length': String(bytes.byteLength),
      'Upload-Metadata': `sessionId ${b64(sessionId)},filename ${b64(filename)},filetype ${b64('audio/wav')}`,
    },
  });
  if (created.status !== 201) throw new Error(`upload create: ${created.status} ${await created.text()}`);
  const location = created.headers.get('location')!;
  const url = new URL(location, client.baseUrl);
  const patched = await fetch(url, {
    method: 'PATCH',
    headers: {
      ...client.authHeaders(),
      'Tus-Resumable': '1.0.0',
      'Upload-Offset': '0',
      'Content-Type': 'application/offset+octet-stream',
    },
    body: bytes,
  });
  if (patched.status !== 204) throw new Error(`upload patch: ${patched.status} ${await patched.text()}`);
  return url.pathname.split('/').pop()!;
}

/**
 * Delivers the next revision of a session through the real upload and revision API: a mix of
 * `durationS` seconds (distinct content per call unless `frequency` is given) and optional stems.
 */
export async function deliverRevision(
  engineer: MixroomClient,
  sessionId: string,
  options: { durationS?: number; stems?: string[]; frequency?: number; changelog?: string } = {},
) {
  const durationS = options.durationS ?? 30;
  const frequency = options.frequency ?? 200 + Math.floor(Math.random() * 2000);
  const mixBytes = wav(durationS, 8000, frequency);
  const mixUploadId = await upload(engineer, sessionId, 'mix.wav', mixBytes);
  const sha256s = [createHash('sha256').update(mixBytes).digest('hex')];
  const stemUploadIds: string[] = [];
  for (const [i, name] of (options.stems ?? []).entries()) {
    const bytes = wav(durationS, 8000, frequency + 50 * (i + 1));
    sha256s.push(createHash('sha256').update(bytes).digest('hex'));
    stemUploadIds.push(await upload(engineer, sessionId, `${name}.wav`, bytes));
  }
  const { revision } = await engineer.call(mediaRoutes.createRevision, {
    params: { id: sessionId },
    body: { mixUploadId, ...(stemUploadIds.length ? { stemUploadIds } : {}), changelog: options.changelog },
  });
  /** SHA-256 (hex) of every uploaded file, computed here, independently of the server. */
  return Object.assign(revision, { uploadedSha256s: sha256s });
}

export { MixroomClient };
