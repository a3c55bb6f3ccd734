import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from './s3-blob-store.js';

// s3rver speaks the S3 REST protocol (SigV4, multipart uploads, ranged GETs) over HTTP backed by a
// directory: the store is exercised through the real AWS SDK on the wire, as it would be against MinIO or S3.
let s3: S3rver;
let endpoint: string;
let dir: string;
let store: S3BlobStore;
const requests: string[] = [];

const MiB = 1024 * 1024;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const collect = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mixroom-s3-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(dir, 'server'),
    configureBuckets: [{ name: 'mixroom-blobs', configs: [] }],
  });
  const address = (await s3.run()) as AddressInfo;
  endpoint = `http://127.0.0.1:${address.port}`;
  (s3 as unknown as { httpServer: Server }).httpServer.prependListener('request', (req) => {
    requests.push(`${req.method} ${req.url}`);
  });
  store = new S3BlobStore({
    endpoint,
    bucket: 'mixroom-blobs',
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    tempDir: join(dir, 'tmp'),
    partSize: 5 * MiB,
  });
});

afterAll(async () => {
  store?.close();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('S3 blob store', () => {
  // 12 MiB with 5 MiB parts: three parts of a multipart upload.
  const big = randomBytes(12 * MiB + 12345);
  const bigSha = sha(big);

  it('checks the bucket at start-up and names a missing one', async () => {
    await store.check();
    const wrong = new S3BlobStore({
      endpoint,
      bucket: 'no-such-bucket',
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      tempDir: join(dir, 'tmp'),
    });
    await expect(wrong.check()).rejects.toThrow(/"no-such-bucket" does not exist/);
    wrong.close();
  });

  it('stores a large file as a multipart upload and reads it back byte-identical', async () => {
    const source = join(dir, 'bounce.wav');
    writeFileSync(source, big);
    requests.length = 0;
    await store.putFile(source, bigSha);
    expect(requests.filter((r) => r.startsWith('PUT ') && r.includes('partNumber=')).length).toBe(3);
    expect(existsSync(source)).toBe(true);
    expect(await store.size(bigSha)).toBe(big.length);
    expect((await collect(store.createReadStream(bigSha))).equals(big)).toBe(true);
  });

  it('serves byte ranges (HTTP Range, both ends inclusive)', async () => {
    // Not `bytes=0-0`: s3rver reads an end of 0 as "to the end" (real S3 and MinIO answer one byte).
    for (const [start, end] of [
      [0, 1],
      [0, 1023],
      [5 * MiB - 10, 5 * MiB + 10],
      [big.length - 100, big.length - 1],
    ] as const) {
      const bytes = await collect(store.createReadStream(bigSha, { start, end }));
      expect(bytes.equals(big.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
  });

  it('keeps one copy when the same content is stored twice, and lists it', async () => {
    const small = Buffer.from('the same bounce, exported twice');
    const source = join(dir, 'small.wav');
    writeFileSync(source, small);
    await store.putFile(source, sha(small));
    await store.putFile(source, sha(small));
    const listed: string[] = [];
    for await (const s of store.list()) listed.push(s);
    expect(listed.sort()).toEqual([bigSha, sha(small)].sort());
  });

  it('hands out a temporary local copy and removes it afterwards', async () => {
    let seen = '';
    const size = await store.withLocalFile(bigSha, async (path) => {
      seen = path;
      return readFileSync(path).length;
    });
    expect(size).toBe(big.length);
    expect(existsSync(seen)).toBe(false);
  });

  it('answers a missing blob like a missing file, and deletes idempotently', async () => {
    const missing = 'f'.repeat(64);
    expect(await store.size(missing)).toBeUndefined();
    await expect(collect(store.createReadStream(missing))).rejects.toMatchObject({ code: 'ENOENT' });
    await store.delete(bigSha);
    await store.delete(bigSha);
    expect(await store.size(bigSha)).toBeUndefined();
  });

  it('refuses keys that are not SHA-256 digests', () => {
    expect(() => store.keyOf('../../etc/passwd')).toThrow(/not a SHA-256/);
  });
});
