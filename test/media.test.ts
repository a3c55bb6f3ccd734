import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeAudio } from '@mixroom/audio';
import { accountRoutes, mediaRoutes as m, sessionRoutes } from '@mixroom/contract';
import { ApiError, MixroomClient } from '@mixroom/client';
import { uploads } from '@mixroom/db';
import { readMix } from '@mixroom/mix-model';
import { eq } from 'drizzle-orm';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseReader } from './events-support.js';
import { sineAiff, sineWav, truncatedWav } from './support/audio-fixtures.js';
import {
  listFiles,
  mediaFootprint,
  streamPatch,
  tusCreate,
  tusHead,
  tusMetadata,
  tusPatch,
  uploadBytes,
  waitForAnalyses,
} from './support/media.js';
import { createSessionCast, type SessionCast, startTestServer, type TestServer } from './support/server.js';
import { connectProvider, credentialsOf, waitFor, waitSynced } from './support/sync.js';

let t: TestServer;
let cast: SessionCast;
beforeAll(async () => {
  t = await startTestServer();
  cast = await createSessionCast(t.url);
});
afterAll(async () => {
  await t?.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

async function getAudio(client: MixroomClient, fileId: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${client.baseUrl}/api/files/${fileId}/audio`, {
    headers: { ...client.authHeaders(), ...headers },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** The ApiError a call fails with (fails the test when the call succeeds). */
async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** The decoder's own one-line reason for these bytes (what a 422 must carry). */
async function decoderReason(bytes: Uint8Array): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mixroom-probe-'));
  try {
    writeFileSync(join(dir, 'f'), bytes);
    await probeAudio(join(dir, 'f'));
    throw new Error('expected the decoder to refuse these bytes');
  } catch (error) {
    return (error as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('resumable uploads, revisions, analysis and serving', () => {
  it('uploads in parts across a dropped connection, delivers a revision, analyses it and serves it by range', async () => {
    const { engineer, viewer, sessionId } = cast;
    const events = await SseReader.open(engineer, `/api/sessions/${sessionId}/events`);
    const mix = sineWav({ seconds: 2, dbfs: -20, channels: 2 });

    const created = await tusCreate(engineer, {
      sessionId,
      filename: 'Night Drive mix v1.wav',
      filetype: 'audio/wav',
      length: mix.length,
    });
    expect(created.status).toBe(201);
    expect(created.location).toMatch(/^\/api\/uploads\/[0-9a-f-]{36}$/);
    expect(created.headers.get('upload-expires')).toBeTruthy();
    const id = created.id!;

    // Part one arrives whole.
    const first = Math.floor(mix.length * 0.4);
    const part1 = await tusPatch(engineer, id, 0, mix.subarray(0, first));
    expect(part1.status).toBe(204);
    expect(part1.headers.get('upload-offset')).toBe(String(first));

    // Part two: the connection drops part-way.
    const rest = mix.subarray(first);
    const dropped = await streamPatch(
      engineer,
      id,
      first,
      rest.length,
      (async function* () {
        for (let i = 0; i < rest.length; i += 16 * 1024) yield rest.subarray(i, i + 16 * 1024);
      })(),
      Math.floor(rest.length / 2),
    );
    expect(dropped.aborted).toBe(true);

    // HEAD tells where to resume: somewhere between what was acknowledged and what was sent.
    const head = await tusHead(engineer, id);
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(first);
    expect(offset).toBeLessThanOrEqual(first + dropped.sent);
    expect(head.headers.get('upload-length')).toBe(String(mix.length));

    // Resume as a tus client does: PATCH from the offset HEAD gave; on 409 (the server was still taking in
    // bytes of the dropped request) ask again.
    let resumed = await tusPatch(engineer, id, offset, mix.subarray(offset));
    for (let attempt = 0; resumed.status === 409 && attempt < 20; attempt++) {
      const again = Number((await tusHead(engineer, id)).headers.get('upload-offset'));
      expect(again).toBeLessThanOrEqual(first + dropped.sent);
      resumed = await tusPatch(engineer, id, again, mix.subarray(again));
    }
    expect(resumed.status).toBe(204);
    expect(resumed.headers.get('upload-offset')).toBe(String(mix.length));
    const done = await tusHead(engineer, id);
    expect([done.status, done.headers.get('upload-offset')]).toEqual([200, String(mix.length)]);
    const [row] = await t.database.db.select().from(uploads).where(eq(uploads.id, id));
    expect(row).toMatchObject({ status: 'complete', sha256: sha256(mix), size: mix.length, sessionId });

    // The upload's working files are gone; its bytes live in the blob store under their hash.
    const deadline = Date.now() + 5000;
    while (listFiles(join(t.dataDir, 'uploads')).some((f) => f.startsWith(id)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(listFiles(join(t.dataDir, 'uploads')).filter((f) => f.startsWith(id))).toEqual([]);
    expect(listFiles(join(t.dataDir, 'blobs'))).toContain(
      join(sha256(mix).slice(0, 2), sha256(mix).slice(2, 4), sha256(mix)),
    );

    const loudStem = sineWav({ seconds: 1, dbfs: -3, channels: 1, frequencyHz: 220 });
    const quietStem = sineWav({ seconds: 1, dbfs: -30, channels: 1, frequencyHz: 440, bits: 24 });
    const loudId = await uploadBytes(engineer, sessionId, 'Bass.wav', loudStem);
    const quietId = await uploadBytes(engineer, sessionId, 'Pad.wav', quietStem);

    const { revision } = await engineer.call(m.createRevision, {
      params: { id: sessionId },
      body: { mixUploadId: id, stemUploadIds: [loudId, quietId], changelog: 'First pass' },
    });
    expect(revision).toMatchObject({ number: 1, status: 'in_review', changelog: 'First pass', sessionId });
    expect(revision.files.map((f) => [f.kind, f.position, f.name, f.format, f.contentType])).toEqual([
      ['mix', 0, 'Night Drive mix v1', 'wav', 'audio/wav'],
      ['stem', 1, 'Bass', 'wav', 'audio/wav'],
      ['stem', 2, 'Pad', 'wav', 'audio/wav'],
    ]);
    expect(revision.files[0]).toMatchObject({
      sampleRate: 48000,
      channels: 2,
      bitsPerSample: 16,
      durationS: 2,
    });
    expect(revision.files[2]).toMatchObject({ channels: 1, bitsPerSample: 24 });

    const analysed = await waitForAnalyses(viewer, revision.id);
    expect(analysed.analysis).toEqual({ status: 'completed', progress: 1 });
    const [mixFile, bass, pad] = analysed.files;
    const r = mixFile!.analysis.result!;
    expect(r.samplePeakDbfs).toBeCloseTo(-20, 1);
    expect(r.truePeakDbtp!).toBeGreaterThanOrEqual(r.samplePeakDbfs! - 0.01);
    // A sine's RMS sits 3.01 dB under its peak.
    expect(r.rmsDbfs).toBeCloseTo(-23.01, 1);
    expect(r.durationS).toBeCloseTo(2, 6);
    expect(r.clippedSamples).toBe(0);
    // Stems carry the clip gain that brings their peak into the -18..-6 dBFS window.
    expect(bass!.analysis.result!.suggestedClipGainDb).toBeCloseTo(-3, 1);
    expect(pad!.analysis.result!.suggestedClipGainDb).toBeCloseTo(12, 1);
    expect(mixFile!.analysis.waveformLevels).toEqual([256, 1024, 4096, 16384]);

    const { analysis } = await viewer.call(m.getFileAnalysis, { params: { id: mixFile!.id } });
    expect(analysis).toMatchObject({ fileId: mixFile!.id, status: 'completed', progress: 1 });
    expect(analysis.result?.samplePeakDbfs).toBe(r.samplePeakDbfs);

    const waveform = await viewer.call(m.getFileWaveform, { params: { id: mixFile!.id } });
    expect(waveform).toMatchObject({
      version: 2,
      channels: 2,
      sample_rate: 48000,
      samples_per_pixel: 1024,
      bits: 16,
    });
    expect(waveform.length).toBe(Math.ceil(96000 / 1024));
    expect(waveform.data.length).toBe(waveform.length * 2 * 2);
    const top = Math.max(...waveform.data);
    expect(top / 32767).toBeCloseTo(0.1, 2);
    const fine = await viewer.call(m.getFileWaveform, {
      params: { id: mixFile!.id },
      query: { samplesPerPixel: 256 },
    });
    expect(fine.length).toBe(Math.ceil(96000 / 256));
    expect(
      await statusOf(
        viewer.call(m.getFileWaveform, { params: { id: mixFile!.id }, query: { samplesPerPixel: 300 } }),
      ),
    ).toBe(400);

    // Range requests, byte-exact against the uploaded source.
    const whole = await getAudio(viewer, mixFile!.id);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('etag')).toBe(`"${sha256(mix)}"`);
    expect(whole.body.equals(mix)).toBe(true);

    const firstBytes = await getAudio(viewer, mixFile!.id, { range: 'bytes=0-99' });
    expect(firstBytes.status).toBe(206);
    expect(firstBytes.headers.get('content-range')).toBe(`bytes 0-99/${mix.length}`);
    expect(firstBytes.headers.get('content-length')).toBe('100');
    expect(firstBytes.body.equals(mix.subarray(0, 100))).toBe(true);

    const suffix = await getAudio(viewer, mixFile!.id, { range: 'bytes=-500' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(
      `bytes ${mix.length - 500}-${mix.length - 1}/${mix.length}`,
    );
    expect(suffix.body.equals(mix.subarray(mix.length - 500))).toBe(true);

    const open = await getAudio(viewer, mixFile!.id, { range: 'bytes=1000-' });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes 1000-${mix.length - 1}/${mix.length}`);
    expect(open.body.equals(mix.subarray(1000))).toBe(true);

    const beyond = await getAudio(viewer, mixFile!.id, { range: `bytes=${mix.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${mix.length}`);
    expect(JSON.parse(beyond.body.toString()).error.code).toBe('range_not_satisfiable');

    const cached = await getAudio(viewer, mixFile!.id, { 'if-none-match': `"${sha256(mix)}"` });
    expect(cached.status).toBe(304);
    // If-Range with another validator: the whole file, not a range of something else.
    const stale = await getAudio(viewer, mixFile!.id, { range: 'bytes=0-9', 'if-range': '"other"' });
    expect([stale.status, stale.body.length]).toEqual([200, mix.length]);

    // The stems are in the session's shared mix document, pointing at their files.
    const provider = connectProvider(t.url, sessionId, credentialsOf(viewer));
    try {
      await waitSynced(provider);
      await waitFor(() => readMix(provider.doc).stems.length === 2, 'the stems in the mix document');
      expect(readMix(provider.doc).stems.map((s) => [s.name, s.fileId])).toEqual([
        ['Bass', bass!.id],
        ['Pad', pad!.id],
      ]);
    } finally {
      provider.destroy();
    }

    const { revisions } = await viewer.call(m.listRevisions, { params: { id: sessionId } });
    expect(revisions.map((x) => x.number)).toEqual([1]);

    await events.next((f) => f.event === 'revision.created');
    for (const file of analysed.files) {
      await events.next((f) => f.event === 'analysis.completed' && f.data.data?.fileId === file.id);
      await events.next((f) => f.event === 'analysis.progressed' && f.data.data?.fileId === file.id);
    }
    events.close();
  });

  it('works with the tus-js-client library, in many small chunks', async () => {
    const { engineer, sessionId } = cast;
    const bytes = sineWav({ seconds: 1, channels: 2, dbfs: -12 });
    const url = await new Promise<string>((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        endpoint: `${t.url}/api/uploads`,
        headers: engineer.authHeaders(),
        metadata: { sessionId, filename: 'Vox.wav', filetype: 'audio/wav' },
        chunkSize: 64 * 1024,
        retryDelays: [],
        onSuccess: () => resolve(upload.url!),
        onError: reject,
      });
      upload.start();
    });
    const uploadId = url.split('/').pop()!;
    const { revision } = await engineer.call(m.createRevision, {
      params: { id: sessionId },
      body: { mixUploadId: uploadId },
    });
    expect(revision.files[0]).toMatchObject({ name: 'Vox', sha256: sha256(bytes), size: bytes.length });
    const audio = await getAudio(engineer, revision.files[0]!.id);
    expect(audio.body.equals(bytes)).toBe(true);
  });

  it('serves each format with its own Content-Type, decided by the bytes rather than the file name', async () => {
    const { engineer, sessionId } = cast;
    const fixture = (name: string) =>
      readFileSync(new URL(`../packages/audio/src/test-support/fixtures/${name}`, import.meta.url));
    const cases = [
      ['Guitar.aif', sineAiff({ seconds: 0.5, dbfs: -12 }), 'aiff', 'audio/aiff'],
      // A FLAC with the wrong extension is still a FLAC.
      ['Keys.wav', fixture('stereo-16bit-44k1.flac'), 'flac', 'audio/flac'],
      ['Reference.mp3', fixture('stereo-44k1.mp3'), 'mp3', 'audio/mpeg'],
    ] as const;
    for (const [filename, bytes, format, contentType] of cases) {
      const mixUploadId = await uploadBytes(engineer, sessionId, filename, bytes);
      const { revision } = await engineer.call(m.createRevision, {
        params: { id: sessionId },
        body: { mixUploadId },
      });
      expect(revision.files[0]).toMatchObject({ format, contentType });
      const audio = await getAudio(engineer, revision.files[0]!.id, { range: 'bytes=0-3' });
      expect([audio.status, audio.headers.get('content-type')]).toEqual([206, contentType]);
      expect(audio.body.equals(bytes.subarray(0, 4))).toBe(true);
      const analysed = await waitForAnalyses(engineer, revision.id);
      expect(analysed.files[0]!.analysis.status, JSON.stringify(analysed.files[0]!.analysis.error)).toBe(
        'completed',
      );
    }
  });

  it('accepts a whole small file in the creation request (tus creation-with-upload)', async () => {
    const { engineer, sessionId } = cast;
    const bytes = sineWav({ seconds: 0.3, frequencyHz: 880 });
    const res = await fetch(`${t.url}/api/uploads`, {
      method: 'POST',
      headers: {
        ...engineer.authHeaders(),
        'tus-resumable': '1.0.0',
        'upload-length': String(bytes.length),
        'upload-metadata': tusMetadata({ sessionId, filename: 'C:\\Bounces\\Click.wav' }),
        'content-type': 'application/offset+octet-stream',
      },
      body: bytes,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('upload-offset')).toBe(String(bytes.length));
    const mixUploadId = res.headers.get('location')!.split('/').pop()!;
    const { revision } = await engineer.call(m.createRevision, {
      params: { id: sessionId },
      body: { mixUploadId },
    });
    // A path sent as the file name keeps only the name.
    expect(revision.files[0]).toMatchObject({ filename: 'Click.wav', name: 'Click', sha256: sha256(bytes) });
  });

  it('stores identical content once however often it is uploaded', async () => {
    const { engineer, sessionId } = cast;
    const bytes = sineWav({ seconds: 0.5, frequencyHz: 333 });
    const before = await mediaFootprint(t.database, t.dataDir);
    const a = await uploadBytes(engineer, sessionId, 'a.wav', bytes);
    const b = await uploadBytes(engineer, sessionId, 'b.wav', bytes);
    expect(a).not.toBe(b);
    const after = await mediaFootprint(t.database, t.dataDir);
    expect(after.uploads - before.uploads).toBe(2);
    expect(after.blobs - before.blobs).toBe(1);
    expect(after.blobFiles - before.blobFiles).toBe(1);
    const rows = await t.database.db
      .select()
      .from(uploads)
      .where(eq(uploads.sha256, sha256(bytes)));
    expect(rows.map((x) => x.id).sort()).toEqual([a, b].sort());
  });

  it('numbers revisions 1, 2, 3, ... even when they are delivered at the same moment', async () => {
    const fresh = await createSessionCast(t.url, 'Race');
    const mixId = await uploadBytes(fresh.engineer, fresh.sessionId, 'mix.wav', sineWav({ seconds: 0.2 }));
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        fresh.engineer.call(m.createRevision, {
          params: { id: fresh.sessionId },
          body: { mixUploadId: mixId },
        }),
      ),
    );
    expect(results.map((x) => x.revision.number).sort((p, q) => p - q)).toEqual([1, 2, 3, 4, 5, 6]);
    const { session } = await fresh.engineer.call(sessionRoutes.getSession, {
      params: { id: fresh.sessionId },
    });
    expect((session as { roundsUsed?: number }).roundsUsed).toBe(6);
  });

  describe("unreadable audio is refused with the decoder's reason and leaves nothing behind", () => {
    const cases = [
      ['a truncated WAV', 'truncated', truncatedWav({ seconds: 1 }, 0.6)],
      [
        'a text file named .wav',
        'unsupported_format',
        Buffer.from('These are my mix notes, not audio.\n'.repeat(40)),
      ],
    ] as const;
    for (const [what, reason, bytes] of cases) {
      it(what, async () => {
        const { engineer, sessionId } = cast;
        const before = await mediaFootprint(t.database, t.dataDir);
        const uploadId = await uploadBytes(engineer, sessionId, 'mix.wav', bytes);
        const error = await failure(
          engineer.call(m.createRevision, { params: { id: sessionId }, body: { mixUploadId: uploadId } }),
        );
        expect(error).toBeInstanceOf(ApiError);
        expect(error.status).toBe(422);
        expect(error.code).toBe('unreadable_audio');
        expect(error.message).toBe(`422 unreadable_audio: ${await decoderReason(bytes)}`);
        expect(error.details).toEqual([
          { uploadId, filename: 'mix.wav', reason, message: await decoderReason(bytes) },
        ]);
        // (The upload's working files go just after the last PATCH is answered: wait for that, bounded.)
        await waitFor(
          async () => (await mediaFootprint(t.database, t.dataDir)).uploadDirFiles === before.uploadDirFiles,
          'the upload directory to be back to where it was',
        );
        expect(await mediaFootprint(t.database, t.dataDir)).toEqual(before);
        // The unreadable upload itself is gone too.
        expect((await tusHead(engineer, uploadId)).status).toBe(404);
      });
    }

    it('a good mix with one unreadable stem: no revision; the good upload stays usable', async () => {
      const { engineer, sessionId } = cast;
      const before = await mediaFootprint(t.database, t.dataDir);
      const good = await uploadBytes(
        engineer,
        sessionId,
        'mix.wav',
        sineWav({ seconds: 0.3, frequencyHz: 700 }),
      );
      const bad = await uploadBytes(engineer, sessionId, 'Drums.wav', truncatedWav({ seconds: 0.3 }, 0.5));
      const error = await failure(
        engineer.call(m.createRevision, {
          params: { id: sessionId },
          body: { mixUploadId: good, stemUploadIds: [bad] },
        }),
      );
      expect([error.status, error.code]).toEqual([422, 'unreadable_audio']);
      const after = await mediaFootprint(t.database, t.dataDir);
      expect(after.revisions).toBe(before.revisions);
      expect(after.files).toBe(before.files);
      expect(after.uploads).toBe(before.uploads + 1);
      expect(after.blobs).toBe(before.blobs + 1);
      const { revision } = await engineer.call(m.createRevision, {
        params: { id: sessionId },
        body: { mixUploadId: good },
      });
      expect(revision.files).toHaveLength(1);
    });
  });

  it("refuses uploads that are not complete, not the caller's, or from another session", async () => {
    const { engineer, sessionId } = cast;
    const bytes = sineWav({ seconds: 0.2 });
    const partial = await tusCreate(engineer, { sessionId, filename: 'x.wav', length: bytes.length });
    await tusPatch(engineer, partial.id!, 0, bytes.subarray(0, 100));
    const incomplete = await failure(
      engineer.call(m.createRevision, { params: { id: sessionId }, body: { mixUploadId: partial.id! } }),
    );
    expect([incomplete.status, incomplete.code]).toEqual([409, 'upload_incomplete']);

    const other = await createSessionCast(t.url, 'Other');
    const elsewhere = await uploadBytes(other.engineer, other.sessionId, 'y.wav', bytes);
    // Another user's upload does not exist for this caller: 404, for revisions and for tus requests alike.
    const foreign = await failure(
      engineer.call(m.createRevision, { params: { id: sessionId }, body: { mixUploadId: elsewhere } }),
    );
    expect([foreign.status, foreign.code]).toEqual([404, 'upload_not_found']);
    expect((await tusHead(engineer, elsewhere)).status).toBe(404);
    expect((await tusPatch(engineer, partial.id!, 100, bytes.subarray(100, 200))).status).toBe(204);
    expect((await tusPatch(other.engineer, partial.id!, 200, bytes.subarray(200))).status).toBe(404);

    const invalid = await failure(
      engineer.call(m.createRevision, {
        params: { id: sessionId },
        body: { mixUploadId: elsewhere, stemUploadIds: [elsewhere] },
      }),
    );
    expect(invalid.status).toBe(400);
  });

  describe('who may do what', () => {
    it('only engineers of the session start uploads; others get 401/403/404 in the JSON error envelope', async () => {
      const { artist, viewer, stranger, sessionId } = cast;
      const anonymous = await tusCreate(t.anonymous(), { sessionId, filename: 'a.wav', length: 10 });
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.body).error.code).toBe('unauthenticated');
      for (const [client, status] of [
        [artist, 403],
        [viewer, 403],
        [stranger, 404],
      ] as const) {
        const res = await tusCreate(client, { sessionId, filename: 'a.wav', length: 10 });
        expect(res.status).toBe(status);
        expect(JSON.parse(res.body).error.code).toBe(status === 403 ? 'forbidden' : 'not_found');
      }
      // A personal access token works like the cookie; a wrong one is refused.
      const { token } = await cast.engineer.call(accountRoutes.createToken, { body: { name: 'uploader' } });
      const withToken = await tusCreate(new MixroomClient({ baseUrl: t.url, token }), {
        sessionId,
        filename: 'a.wav',
        length: 10,
      });
      expect(withToken.status).toBe(201);
      const badToken = await tusCreate(new MixroomClient({ baseUrl: t.url, token: 'mr_pat_wrong' }), {
        sessionId,
        filename: 'a.wav',
        length: 10,
      });
      expect(badToken.status).toBe(401);

      const noSession = await tusCreate(cast.engineer, {
        sessionId: 'not-a-uuid',
        filename: 'a.wav',
        length: 10,
      });
      expect(noSession.status).toBe(400);
      expect(JSON.parse(noSession.body).error.details[0].field).toBe('metadata.sessionId');
    });

    it('only engineers deliver revisions; members read them and their files, outsiders learn nothing', async () => {
      const { engineer, artist, viewer, stranger, sessionId } = cast;
      const mixId = await uploadBytes(
        engineer,
        sessionId,
        'mix.wav',
        sineWav({ seconds: 0.2, frequencyHz: 550 }),
      );
      const create = (client: MixroomClient) =>
        statusOf(client.call(m.createRevision, { params: { id: sessionId }, body: { mixUploadId: mixId } }));
      expect(await create(artist)).toBe(403);
      expect(await create(viewer)).toBe(403);
      expect(await create(stranger)).toBe(404);
      expect(await create(t.anonymous())).toBe(401);
      const { revision } = await engineer.call(m.createRevision, {
        params: { id: sessionId },
        body: { mixUploadId: mixId },
      });
      const fileId = revision.files[0]!.id;
      for (const client of [artist, viewer]) {
        expect(await statusOf(client.call(m.getRevision, { params: { id: revision.id } }))).toBe(200);
        expect(await statusOf(client.call(m.getFileAnalysis, { params: { id: fileId } }))).toBe(200);
        expect((await getAudio(client, fileId, { range: 'bytes=0-1' })).status).toBe(206);
      }
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const id of [fileId, missing]) {
        const audio = await getAudio(stranger, id);
        expect(audio.status).toBe(404);
        const waveform = await stranger.raw('get', `/api/files/${id}/waveform`);
        const analysis = await stranger.raw('get', `/api/files/${id}/analysis`);
        expect([waveform.status, analysis.status]).toEqual([404, 404]);
        // Same answer whether the file exists or not.
        expect(JSON.parse(audio.body.toString())).toEqual(analysis.body);
      }
      expect(await statusOf(stranger.call(m.getRevision, { params: { id: revision.id } }))).toBe(404);
      expect(await statusOf(stranger.call(m.listRevisions, { params: { id: sessionId } }))).toBe(404);
      expect((await getAudio(t.anonymous(), fileId)).status).toBe(401);
    });
  });
});
