import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { mediaRoutes, type Revision } from '@mixroom/contract';
import type { MixroomClient } from '@mixroom/client';
import { analyses, blobs, type DatabaseHandle, files, revisions, uploads } from '@mixroom/db';
import { sql } from 'drizzle-orm';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** tus `Upload-Metadata`: comma-separated `key base64(value)` pairs. */
export function tusMetadata(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(',');
}

export interface TusResponse {
  status: number;
  headers: Headers;
  body: string;
}

async function tusFetch(
  client: MixroomClient,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Uint8Array,
): Promise<TusResponse> {
  const res = await fetch(client.baseUrl + path, {
    method,
    headers: { 'tus-resumable': '1.0.0', ...client.authHeaders(), ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** POST /api/uploads: creates an upload; `id` is taken from the Location header. */
export async function tusCreate(
  client: MixroomClient,
  opts: {
    sessionId: string;
    filename: string;
    /** Upload-Length; leave out to defer it (send `upload-defer-length: 1` in `headers`). */
    length?: number;
    filetype?: string;
    headers?: Record<string, string>;
  },
): Promise<TusResponse & { id?: string; location?: string }> {
  const res = await tusFetch(client, 'POST', '/api/uploads', {
    ...(opts.length === undefined ? {} : { 'upload-length': String(opts.length) }),
    'upload-metadata': tusMetadata({
      sessionId: opts.sessionId,
      filename: opts.filename,
      ...(opts.filetype ? { filetype: opts.filetype } : {}),
    }),
    ...opts.headers,
  });
  const location = res.headers.get('location') ?? undefined;
  return { ...res, location, id: location?.split('/').pop() };
}

export function tusPatch(client: MixroomClient, id: string, offset: number, bytes: Uint8Array) {
  return tusFetch(
    client,
    'PATCH',
    `/api/uploads/${id}`,
    { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    bytes,
  );
}

export function tusHead(client: MixroomClient, id: string) {
  return tusFetch(client, 'HEAD', `/api/uploads/${id}`, {});
}

/** Uploads bytes in one PATCH; returns the upload id (throws unless the upload completed). */
export async function uploadBytes(
  client: MixroomClient,
  sessionId: string,
  filename: string,
  bytes: Uint8Array,
): Promise<string> {
  const created = await tusCreate(client, {
    sessionId,
    filename,
    length: bytes.length,
    filetype: 'audio/wav',
  });
  if (created.status !== 201 || !created.id) throw new Error(`create: ${created.status} ${created.body}`);
  const patched = await tusPatch(client, created.id, 0, bytes);
  if (patched.status !== 204) throw new Error(`patch: ${patched.status} ${patched.body}`);
  return created.id;
}

/**
 * Sends a PATCH body from an async source over a raw HTTP connection, honouring backpressure. With
 * `abortAfterBytes`, the connection is destroyed once that many bytes are written (a dropped network).
 */
export function streamPatch(
  client: MixroomClient,
  id: string,
  offset: number,
  length: number,
  source: AsyncIterable<Uint8Array>,
  abortAfterBytes?: number,
): Promise<{ status?: number; aborted: boolean; sent: number }> {
  const url = new URL(`/api/uploads/${id}`, client.baseUrl);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let aborted = false;
    const req = request(url, {
      method: 'PATCH',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(length),
        ...client.authHeaders(),
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, aborted, sent }));
    });
    req.on('error', (error) => (aborted ? resolve({ aborted, sent }) : reject(error)));
    const write = (part: Uint8Array) =>
      new Promise<void>((done, fail) => req.write(part, (error) => (error ? fail(error) : done())));
    (async () => {
      for await (const chunk of source) {
        const room = abortAfterBytes === undefined ? chunk.length : abortAfterBytes - sent;
        const part = chunk.subarray(0, Math.min(chunk.length, room));
        // Waiting for each write to be flushed is the backpressure: at most one chunk is in flight.
        if (part.length > 0) await write(part);
        sent += part.length;
        if (abortAfterBytes !== undefined && sent >= abortAfterBytes) {
          aborted = true;
          req.destroy();
          return;
        }
      }
      req.end();
    })().catch(reject);
  });
}

/** Polls GET /api/revisions/:id until every analysis finished (completed or failed), within a bounded time. */
export async function waitForAnalyses(
  client: MixroomClient,
  revisionId: string,
  timeoutMs = 60_000,
): Promise<Revision> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { revision } = await client.call(mediaRoutes.getRevision, { params: { id: revisionId } });
    if (revision.files.every((f) => f.analysis.status === 'completed' || f.analysis.status === 'failed')) {
      return revision;
    }
    if (Date.now() > deadline) {
      throw new Error(`analyses did not finish within ${timeoutMs} ms: ${JSON.stringify(revision.analysis)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Rows in the media tables and files in the blob store and upload directory (for "nothing left behind"). */
export async function mediaFootprint(database: DatabaseHandle, dataDir: string) {
  const count = async (
    table: typeof uploads | typeof blobs | typeof revisions | typeof files | typeof analyses,
  ) => {
    const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(table);
    return row?.n ?? 0;
  };
  return {
    uploads: await count(uploads),
    blobs: await count(blobs),
    revisions: await count(revisions),
    files: await count(files),
    analyses: await count(analyses),
    blobFiles: listFiles(join(dataDir, 'blobs')).length,
    uploadDirFiles: listFiles(join(dataDir, 'uploads')).length,
  };
}

/** Every regular file under a directory (recursively), relative paths; [] when it does not exist. */
export function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
  } catch {
    return [];
  }
}
