import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { SyncOptions } from '../sync/sync-options.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

const EnvSchema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_PREFIX: z
    .string()
    .trim()
    .regex(/^[\w:.-]{1,64}$/, 'must be 1-64 letters, digits, or _ : . -')
    .default('mixroom:'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().trim().min(3).default('Mixroom <mixroom@localhost>'),
  MAX_UPLOAD_BYTES: int(1, Number.MAX_SAFE_INTEGER).default(4 * GiB),
  UPLOAD_EXPIRY_S: int(1, 365 * 24 * 3600).default(24 * 3600),
  UPLOAD_CLEANUP_INTERVAL_S: int(1, 24 * 3600).default(3600),
  ANALYSIS_WORKERS: int(0, 256).optional(),
  MAX_SYNC_MESSAGE_BYTES: int(1024, 64 * MiB).default(1 * MiB),
  MAX_DOCUMENT_BYTES: int(64 * 1024, 256 * MiB).default(16 * MiB),
  SYNC_IDLE_UNLOAD_MS: int(0, 86_400_000).default(30_000),
  SYNC_RECONCILE_MS: int(50, 3_600_000).default(5_000),
  SYNC_COMPACT_AFTER: int(1, 1_000_000).default(2000),
  SYNC_COMMIT_INTERVAL_MS: int(0, 1000).default(4),
  SYNC_MAX_MESSAGES_PER_SECOND: int(1, 1_000_000).default(200),
  LOGIN_ATTEMPTS_PER_IP: int(1, 1_000_000).default(50),
  INVITE_ATTEMPTS_PER_IP: int(1, 1_000_000).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  BLOB_STORE: z.enum(['fs', 's3']).default('fs'),
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_BUCKET: z.string().trim().min(3).optional(),
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().trim().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).default('false'),
  S3_PREFIX: z.string().trim().default('blobs/'),
});

export interface Config {
  port: number;
  host: string;
  /** Origin users reach the server at; invite links and cookies' Secure flag derive from it. */
  publicUrl: string;
  /** False when PUBLIC_URL was not given: the server then derives it from the port it actually bound. */
  publicUrlGiven: boolean;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** Namespace for every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  smtpUrl?: string;
  mailFrom: string;
  maxUploadBytes: number;
  /** Unfinished uploads are deleted this many seconds after they were started. */
  uploadExpiryS: number;
  /** How often abandoned uploads and unreferenced blobs are swept, in seconds. */
  uploadCleanupIntervalS: number;
  /** Worker threads for audio analysis (default: cores - 1, at least 1); 0 leaves jobs to other instances. */
  analysisWorkers: number;
  maxSyncMessageBytes: number;
  maxDocumentBytes: number;
  /** Tuning of the real-time sync service (the SYNC_* variables). */
  sync: SyncOptions;
  /** Login attempts per client IP per 15 minutes (any email). */
  loginAttemptsPerIp: number;
  /** Invite look-ups and acceptances per client IP per 10 minutes (guards against token guessing). */
  inviteAttemptsPerIp: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** When set, GET /metrics requires `Authorization: Bearer <token>`; unset, it answers only private addresses. */
  metricsToken?: string;
  /** Where audio bytes live: the local disk under DATA_DIR/blobs (default) or an S3-compatible bucket. */
  blobStore:
    | { kind: 'fs' }
    | {
        kind: 's3';
        endpoint?: string;
        bucket: string;
        region: string;
        accessKeyId?: string;
        secretAccessKey?: string;
        forcePathStyle: boolean;
        prefix: string;
      };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError naming every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        return `${key}: ${issue.message} (got ${JSON.stringify(raw[key])})`;
      }),
    );
  }
  const e = parsed.data;
  if (e.BLOB_STORE === 's3' && !e.S3_BUCKET) {
    throw new ConfigError(['S3_BUCKET: must be set when BLOB_STORE=s3 (got undefined)']);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlGiven: e.PUBLIC_URL !== undefined,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    uploadExpiryS: e.UPLOAD_EXPIRY_S,
    uploadCleanupIntervalS: e.UPLOAD_CLEANUP_INTERVAL_S,
    analysisWorkers: e.ANALYSIS_WORKERS ?? Math.max(1, availableParallelism() - 1),
    maxSyncMessageBytes: e.MAX_SYNC_MESSAGE_BYTES,
    maxDocumentBytes: e.MAX_DOCUMENT_BYTES,
    sync: {
      idleUnloadMs: e.SYNC_IDLE_UNLOAD_MS,
      reconcileIntervalMs: e.SYNC_RECONCILE_MS,
      compactAfterRows: e.SYNC_COMPACT_AFTER,
      commitIntervalMs: e.SYNC_COMMIT_INTERVAL_MS,
      maxMessagesPerSecond: e.SYNC_MAX_MESSAGES_PER_SECOND,
    },
    loginAttemptsPerIp: e.LOGIN_ATTEMPTS_PER_IP,
    inviteAttemptsPerIp: e.INVITE_ATTEMPTS_PER_IP,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    blobStore:
      e.BLOB_STORE === 's3'
        ? {
            kind: 's3',
            endpoint: e.S3_ENDPOINT,
            bucket: e.S3_BUCKET as string,
            region: e.S3_REGION,
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true' || e.S3_FORCE_PATH_STYLE === '1',
            prefix: e.S3_PREFIX,
          }
        : { kind: 'fs' },
  };
}
