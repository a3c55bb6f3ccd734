import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaRoutes as m } from '@mixroom/contract';
import { MixroomClient } from '@mixroom/client';
import { analyses, openTestDatabase, uploads } from '@mixroom/db';
import { createServer, loadConfig } from '@mixroom/server';
import { eq, inArray } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { sineWav } from './support/audio-fixtures.js';
import {
  listFiles,
  tusCreate,
  tusHead,
  tusMetadata,
  tusPatch,
  uploadBytes,
  waitForAnalyses,
} from './support/media.js';
import { createSessionCast, startTestServer, type TestServer } from './support/server.js';

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function serverWith(env: Record<string, string>) {
  const t = await startTestServer(env);
  servers.push(t);
  return t;
}

describe('the upload size cap', () => {
  it('answers 413 at creation, before a single byte is stored', async () => {
    const t = await serverWith({ MAX_UPLOAD_BYTES: '1000' });
    const { engineer, sessionId } = await createSessionCast(t.url);
    const uploadDir = join(t.dataDir, 'uploads');

    const tooBig = await tusCreate(engineer, { sessionId, filename: 'big.wav', length: 1001 });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body).error.code).toBe('too_large');

    // Creation with the body attached (tus creation-with-upload) is refused the same way.
    const withBody = await fetch(`${t.url}/api/uploads`, {
      method: 'POST',
      headers: {
        ...engineer.authHeaders(),
        'tus-resumable': '1.0.0',
        'upload-length': '5000',
        'upload-metadata': tusMetadata({ sessionId, filename: 'big.wav' }),
        'content-type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(5000),
    });
    expect(withBody.status).toBe(413);
    expect(listFiles(uploadDir)).toEqual([]);
    expect(await t.database.db.select().from(uploads)).toEqual([]);

    // At the cap is fine.
    const fits = await tusCreate(engineer, { sessionId, filename: 'ok.wav', length: 1000 });
    expect(fits.status).toBe(201);
  });

  it('stops a deferred-length upload at the cap', async () => {
    const t = await serverWith({ MAX_UPLOAD_BYTES: '1000' });
    const { engineer, sessionId } = await createSessionCast(t.url);
    const created = await tusCreate(engineer, {
      sessionId,
      filename: 'stream.wav',
      headers: { 'upload-defer-length': '1' },
    });
    // Sent without Upload-Length: the cap applies to the bytes as they arrive.
    expect(created.status).toBe(201);
    const patch = await tusPatch(engineer, created.id!, 0, new Uint8Array(1500));
    expect(patch.status).toBe(413);
  });
});

describe('abandoned uploads', () => {
  it('expire and are swept away with their rows, at the configured interval', async () => {
    const t = await serverWith({ UPLOAD_EXPIRY_S: '1', UPLOAD_CLEANUP_INTERVAL_S: '1' });
    const { engineer, sessionId } = await createSessionCast(t.url);
    const bytes = sineWav({ seconds: 0.5 });
    const created = await tusCreate(engineer, { sessionId, filename: 'left.wav', length: bytes.length });
    expect((await tusPatch(engineer, created.id!, 0, bytes.subarray(0, 1000))).status).toBe(204);
    expect(listFiles(join(t.dataDir, 'uploads')).length).toBeGreaterThan(0);

    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows = await t.database.db.select().from(uploads).where(eq(uploads.id, created.id!));
      if (rows.length === 0 && listFiles(join(t.dataDir, 'uploads')).length === 0) break;
      if (Date.now() > deadline) throw new Error('the abandoned upload was not cleaned up');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await tusHead(engineer, created.id!)).status).toBe(404);
    expect((await tusPatch(engineer, created.id!, 1000, bytes.subarray(1000))).status).toBe(404);
  });
});

describe('analysis jobs', () => {
  it('survive a restart: pending and interrupted jobs are picked up by the next start', async () => {
    const database = await openTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'mixroom-restart-'));
    const logger = pino({ level: 'silent' });
    const start = async (workers: string) => {
      const config = loadConfig({
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'silent',
        ANALYSIS_WORKERS: workers,
      });
      const server = await createServer({ config, database, logger });
      return { server, url: await server.listen(0, '127.0.0.1') };
    };
    try {
      // This instance runs no analysis, so the jobs stay pending when it stops.
      const first = await start('0');
      const cast = await createSessionCast(first.url);
      const { engineer, sessionId } = cast;
      const deliver = async (name: string, bytes: Buffer) => {
        const mixUploadId = await uploadBytes(engineer, sessionId, name, bytes);
        return (await engineer.call(m.createRevision, { params: { id: sessionId }, body: { mixUploadId } }))
          .revision;
      };
      const r1 = await deliver('one.wav', sineWav({ seconds: 1, dbfs: -6 }));
      const r2 = await deliver('two.wav', sineWav({ seconds: 1, dbfs: -9 }));
      const r3 = await deliver('three.wav', sineWav({ seconds: 1, dbfs: -12 }));
      expect(r1.files[0]!.analysis.status).toBe('pending');
      const pending = await engineer.raw('get', `/api/files/${r1.files[0]!.id}/waveform`);
      expect(pending.status).toBe(409);
      expect(pending.headers.get('retry-after')).toBeTruthy();
      expect(pending.body).toMatchObject({
        error: { code: 'analysis_pending', details: { status: 'pending' } },
      });
      await first.server.close();

      // The second revision's job was running on an instance that died without a word (stale heartbeat).
      await database.db
        .update(analyses)
        .set({
          status: 'running',
          claimedBy: 'a-dead-instance',
          heartbeatAt: new Date(Date.now() - 3600_000),
        })
        .where(eq(analyses.fileId, r2.files[0]!.id));
      // The third file's bytes went bad on disk after delivery: its analysis must fail with the reason.
      const sha = r3.files[0]!.sha256;
      writeFileSync(join(dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha), 'not audio any more');

      const second = await start('1');
      try {
        const client = new MixroomClient({ baseUrl: second.url });
        client.sessionCookie = engineer.sessionCookie;
        const done1 = await waitForAnalyses(client, r1.id);
        const done2 = await waitForAnalyses(client, r2.id);
        const done3 = await waitForAnalyses(client, r3.id);
        expect(done1.files[0]!.analysis.status).toBe('completed');
        expect(done2.files[0]!.analysis.status).toBe('completed');
        expect(done1.files[0]!.analysis.result!.samplePeakDbfs).toBeCloseTo(-6, 1);
        expect(done2.files[0]!.analysis.result!.samplePeakDbfs).toBeCloseTo(-9, 1);
        expect(done3.analysis.status).toBe('failed');
        expect(done3.files[0]!.analysis.error).toMatchObject({ code: 'unsupported_format' });
        const failed = await client.raw('get', `/api/files/${r3.files[0]!.id}/waveform`);
        expect(failed.status).toBe(422);
        expect(failed.body).toMatchObject({ error: { code: 'analysis_failed' } });
        const rows = await database.db
          .select()
          .from(analyses)
          .where(inArray(analyses.fileId, [r1.files[0]!.id, r2.files[0]!.id, r3.files[0]!.id]));
        expect(rows.map((r) => r.claimedBy)).toEqual([null, null, null]);
      } finally {
        await second.server.close();
      }
    } finally {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
