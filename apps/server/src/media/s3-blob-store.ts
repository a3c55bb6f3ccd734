import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Config } from '../config/config.js';
import { assertSha256, type BlobStore, type ByteRange, FsBlobStore } from './blobs/blob-store.js';

export interface S3BlobStoreOptions {
  /** e.g. `https://s3.eu-central-1.amazonaws.com` or `http://minio:9000`; unset = AWS for the region. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Unset = the AWS SDK's default credential chain (environment, instance profile, ...). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `bucket` in the path instead of the host name; most self-hosted S3-compatible servers need it. */
  forcePathStyle?: boolean;
  /** Key prefix inside the bucket, e.g. `mixroom/` (default `blobs/`). */
  prefix?: string;
  /** Where `withLocalFile` downloads to (the analysis needs a local file); usually DATA_DIR/tmp. */
  tempDir: string;
  /** Multipart part size in bytes (S3's minimum is 5 MiB). */
  partSize?: number;
}

const MiB = 1024 * 1024;
const SHA256_HEX = /^[0-9a-f]{64}$/;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/** A missing object looks like a missing file to callers that already handle the local-disk store. */
function asEnoent(error: unknown, sha256: string): unknown {
  if (!isNotFound(error)) return error;
  return Object.assign(new Error(`blob ${sha256} is not stored`), { code: 'ENOENT' });
}

/**
 * Audio blobs in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, Garage, R2, ...), so that several
 * server instances on different hosts share one store. Keys are `<prefix>ab/cd/<sha256>`; uploads stream
 * from disk as multipart uploads (constant memory whatever the file size); reads map to ranged GETs.
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? 'blobs/';
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Newer SDKs add CRC checksums with aws-chunked bodies by default, which many S3-compatible servers
      // reject; the content is addressed by its SHA-256 already.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** The configured store: BLOB_STORE=s3 (bucket checked before the server starts) or DATA_DIR/blobs. */
  static async fromConfig(config: Config): Promise<BlobStore> {
    const c = config.blobStore;
    if (c.kind !== 's3') return new FsBlobStore(join(config.dataDir, 'blobs'));
    const store = new S3BlobStore({ ...c, tempDir: join(config.dataDir, 'tmp') });
    await store.check();
    return store;
  }

  keyOf(sha256: string): string {
    assertSha256(sha256);
    return `${this.prefix}${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  }

  /** Fails with a clear message when the bucket is missing or the credentials are refused. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const why =
        status === 404
          ? 'does not exist'
          : status === 403
            ? 'refuses these credentials'
            : `is not reachable (${(error as Error).message})`;
      throw new Error(`The S3 bucket "${this.bucket}" ${why}; check S3_ENDPOINT, S3_BUCKET and the S3 keys.`);
    }
  }

  async putFile(sourcePath: string, sha256: string): Promise<void> {
    const key = this.keyOf(sha256);
    // Content-addressed: the same key always holds the same bytes, so an existing object is the one copy.
    if ((await this.size(sha256)) !== undefined) return;
    const { size } = await stat(sourcePath);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(sourcePath, { highWaterMark: MiB }),
        ContentLength: size,
        ContentType: 'application/octet-stream',
        Metadata: { sha256 },
      },
      partSize: Math.max(5 * MiB, this.options.partSize ?? 16 * MiB),
      queueSize: 4,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }),
      );
      return head.ContentLength;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  createReadStream(sha256: string, range?: ByteRange): Readable {
    const key = this.keyOf(sha256);
    const send = () =>
      this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
    // The GET starts when the stream is first read; destroying the stream aborts the response body.
    async function* body(): AsyncGenerator<Buffer> {
      let response: Awaited<ReturnType<typeof send>>;
      try {
        response = await send();
      } catch (error) {
        throw asEnoent(error, sha256);
      }
      yield* response.Body as AsyncIterable<Buffer>;
    }
    return Readable.from(body(), { objectMode: false, highWaterMark: 256 * 1024 });
  }

  async withLocalFile<T>(sha256: string, fn: (path: string) => Promise<T>): Promise<T> {
    await mkdir(this.options.tempDir, { recursive: true });
    const path = join(this.options.tempDir, `s3-${sha256.slice(0, 16)}-${randomUUID()}`);
    try {
      await pipeline(this.createReadStream(sha256), createWriteStream(path));
      return await fn(path);
    } finally {
      await rm(path, { force: true });
    }
  }

  async delete(sha256: string): Promise<void> {
    // S3 answers a delete of a missing key with success.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
  }

  async *list(): AsyncIterable<string> {
    for await (const page of paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: this.prefix },
    )) {
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(object.Key.lastIndexOf('/') + 1) ?? '';
        if (SHA256_HEX.test(name)) yield name;
      }
    }
  }

  close(): void {
    this.client.destroy();
  }

  /** Nest calls this on shutdown: closes the SDK's kept-alive connections. */
  onModuleDestroy(): void {
    this.close();
  }
}
