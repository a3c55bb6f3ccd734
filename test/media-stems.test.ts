import { mediaRoutes as m } from '@mixroom/contract';
import { readMix } from '@mixroom/mix-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sineWav } from './support/audio-fixtures.js';
import { uploadBytes } from './support/media.js';
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

async function revision(stems: string[]) {
  const wav = sineWav({ seconds: 0.5 });
  const mixUploadId = await uploadBytes(cast.engineer, cast.sessionId, 'mix.wav', wav);
  const stemUploadIds = [];
  for (const name of stems) stemUploadIds.push(await uploadBytes(cast.engineer, cast.sessionId, name, wav));
  const { revision } = await cast.engineer.call(m.createRevision, {
    params: { id: cast.sessionId },
    body: { mixUploadId, stemUploadIds },
  });
  return (await cast.engineer.call(m.getRevision, { params: { id: revision.id } })).revision;
}

describe('stems across revisions', () => {
  // Each revision used to add its stems again, so the mixer showed "Bass" twice after v2.
  it('a new revision points same-named stems at its files and keeps their mixer settings', async () => {
    const v1 = await revision(['Bass.wav', 'Pad.wav']);
    const provider = connectProvider(t.url, cast.sessionId, credentialsOf(cast.engineer));
    try {
      await waitSynced(provider);
      await waitFor(() => readMix(provider.doc).stems.length === 2, 'v1 stems in the mix');
      const bassV1 = readMix(provider.doc).stems.find((s) => s.name === 'Bass')!;
      expect(bassV1.fileId).toBe(v1.files.find((f) => f.name === 'Bass')?.id);

      const v2 = await revision(['bass.wav', 'Keys.wav']);
      const bassV2File = v2.files.find((f) => f.name === 'bass')!.id;
      await waitFor(() => readMix(provider.doc).stems.length === 3, 'v2 stems in the mix');
      const stems = readMix(provider.doc).stems;
      expect(stems.map((s) => s.name)).toEqual(['Bass', 'Pad', 'Keys']);
      expect(stems.find((s) => s.id === bassV1.id)?.fileId).toBe(bassV2File);
    } finally {
      provider.destroy();
    }
  });
});
