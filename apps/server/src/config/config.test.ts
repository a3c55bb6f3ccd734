import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has working defaults for a fresh machine', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.maxUploadBytes).toBe(4 * 1024 ** 3);
    expect(config.maxSyncMessageBytes).toBe(1024 ** 2);
    expect(config.sync).toEqual({
      idleUnloadMs: 30_000,
      reconcileIntervalMs: 5000,
      compactAfterRows: 2000,
      commitIntervalMs: 4,
      maxMessagesPerSecond: 200,
    });
  });

  it('validates the SYNC_* tuning variables with the rest', () => {
    expect(() => loadConfig({ SYNC_RECONCILE_MS: '10', SYNC_COMMIT_INTERVAL_MS: 'soon' })).toThrow(
      /SYNC_RECONCILE_MS: .*"10"[\s\S]*SYNC_COMMIT_INTERVAL_MS: must be a whole number/,
    );
    expect(loadConfig({ SYNC_MAX_MESSAGES_PER_SECOND: '50' }).sync.maxMessagesPerSecond).toBe(50);
  });

  it('names every bad variable at once, with the value it got', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', MAX_UPLOAD_BYTES: '-5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('PORT:'))).toContain('"eighty"');
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toContain('postgres://');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('MAX_UPLOAD_BYTES:'))).toContain('whole number');
  });

  it('derives the public URL without a trailing slash and treats empty values as unset', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://mix.example.com/', PORT: '', REDIS_URL: '' });
    expect(config.publicUrl).toBe('https://mix.example.com');
    expect(config.port).toBe(3000);
    expect(config.redisUrl).toBeUndefined();
  });
});

describe('public URL', () => {
  it('remembers whether PUBLIC_URL was given, so the server can derive it from the bound port', () => {
    expect(loadConfig({ PORT: '0' }).publicUrlGiven).toBe(false);
    expect(loadConfig({ PUBLIC_URL: 'https://mix.example.com' }).publicUrlGiven).toBe(true);
  });
});
