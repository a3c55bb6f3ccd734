import { mediaRoutes as m } from '@mixroom/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeWavChunks } from './support/audio-fixtures.js';
import { streamPatch, tusCreate, tusHead } from './support/media.js';
import { createSessionCast, startTestServer, type TestServer } from './support/server.js';

const MiB = 1024 * 1024;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('memory while uploading', () => {
  it('a 200 MB upload streamed in chunks grows the server process by far less than the file size', async () => {
    const { engineer, sessionId } = await createSessionCast(t.url);
    const dataBytes = 200 * MiB;
    const total = 44 + dataBytes;
    const created = await tusCreate(engineer, { sessionId, filename: 'long mix.wav', length: total });
    expect(created.status).toBe(201);

    // Server and client share this process: the client side holds at most one 1 MiB chunk in flight.
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let result: Awaited<ReturnType<typeof streamPatch>>;
    try {
      result = await streamPatch(engineer, created.id!, 0, total, largeWavChunks(dataBytes));
    } finally {
      clearInterval(sampler);
    }
    const after = process.memoryUsage().rss;
    peak = Math.max(peak, after);
    console.log(
      `200 MiB upload: rss before ${(before / MiB).toFixed(1)} MiB, peak +${((peak - before) / MiB).toFixed(1)} MiB, after +${((after - before) / MiB).toFixed(1)} MiB`,
    );
    expect(result.status).toBe(204);
    expect(result.sent).toBe(total);
    expect(Number((await tusHead(engineer, created.id!)).headers.get('upload-offset'))).toBe(total);
    // A third of the file at most; a buffering server would grow by the whole 200 MiB.
    expect(peak - before).toBeLessThan(64 * MiB);

    // The stored file is whole: it probes as a 200 MB WAV when delivered as a revision.
    const { revision } = await engineer.call(m.createRevision, {
      params: { id: sessionId },
      body: { mixUploadId: created.id! },
    });
    expect(revision.files[0]).toMatchObject({ size: total, sampleRate: 48000, channels: 2 });
    expect(revision.files[0]!.durationS).toBeCloseTo(dataBytes / 4 / 48000, 6);
  });
});
