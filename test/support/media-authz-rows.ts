import { mediaRoutes, uploadRoutes } from '@mixroom/contract';
import type { Revision } from '@mixroom/contract';
import { type Fixture, type MatrixRow, members } from '../authz/matrix.js';
import { sineWav } from './audio-fixtures.js';
import { tusCreate, tusMetadata, uploadBytes, waitForAnalyses } from './media.js';

/**
 * Authorization-matrix rows for the upload, revision and file routes (see test/authz-matrix.test.ts).
 * Uploads belong to their uploader: other members are told they do not exist (404), like outsiders.
 * Revisions are delivered by engineers only; every member reads them and their files.
 */

/** A revision with one analysed file in the fixture session, made once per fixture. */
async function analysedRevision(f: Fixture): Promise<Revision> {
  f.extra.mediaRevision ??= (async () => {
    const mixUploadId = await uploadBytes(
      f.engineer,
      f.sessionId,
      'authz mix.wav',
      sineWav({ seconds: 0.25 }),
    );
    const { revision } = await f.engineer.call(mediaRoutes.createRevision, {
      params: { id: f.sessionId },
      body: { mixUploadId },
    });
    return waitForAnalyses(f.engineer, revision.id);
  })();
  return f.extra.mediaRevision as Promise<Revision>;
}

/** A new, empty upload of the engineer, `length` bytes long. */
async function newUpload(f: Fixture, length: number): Promise<string> {
  const created = await tusCreate(f.engineer, { sessionId: f.sessionId, filename: 'authz.wav', length });
  if (!created.id) throw new Error(`upload creation failed: ${created.status} ${created.body}`);
  return created.id;
}

const tus = { 'tus-resumable': '1.0.0' };
/** Only the uploader (an engineer) reaches an upload. */
const uploaderOnly = (engineer: number) => ({
  engineer,
  artist: 404,
  viewer: 404,
  stranger: 404,
  anonymous: 401,
});

export const mediaRows: MatrixRow[] = [
  {
    route: uploadRoutes.createUpload,
    expect: { engineer: 201, artist: 403, viewer: 403, stranger: 404, anonymous: 401 },
    request: (f) => ({
      headers: {
        ...tus,
        'upload-length': '1000',
        'upload-metadata': tusMetadata({ sessionId: f.sessionId, filename: 'matrix.wav' }),
      },
    }),
  },
  {
    route: uploadRoutes.uploadOffset,
    expect: uploaderOnly(200),
    setup: async (f) => {
      f.extra.headUpload = await newUpload(f, 1000);
    },
    request: (f) => ({ params: { id: f.extra.headUpload }, headers: tus }),
  },
  {
    route: uploadRoutes.appendUpload,
    expect: uploaderOnly(204),
    setup: async (f) => {
      // The JSON-encoded body "x" is 3 bytes: the engineer's PATCH completes the upload.
      f.extra.patchUpload = await newUpload(f, 3);
    },
    request: (f) => ({
      params: { id: f.extra.patchUpload },
      headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: 'x',
    }),
  },
  {
    route: uploadRoutes.cancelUpload,
    expect: uploaderOnly(204),
    setup: async (f) => {
      f.extra.deleteUpload = await newUpload(f, 1000);
    },
    request: (f) => ({ params: { id: f.extra.deleteUpload }, headers: tus }),
  },
  {
    route: mediaRoutes.createRevision,
    expect: { engineer: 201, artist: 403, viewer: 403, stranger: 404, anonymous: 401 },
    setup: async (f) => {
      f.extra.revisionUpload = await uploadBytes(
        f.engineer,
        f.sessionId,
        'matrix.wav',
        sineWav({ seconds: 0.1 }),
      );
    },
    request: (f) => ({ params: { id: f.sessionId }, body: { mixUploadId: f.extra.revisionUpload } }),
  },
  {
    route: mediaRoutes.listRevisions,
    expect: members(200),
    request: (f) => ({ params: { id: f.sessionId } }),
  },
  {
    route: mediaRoutes.getRevision,
    expect: members(200),
    request: async (f) => ({ params: { id: (await analysedRevision(f)).id } }),
  },
  {
    route: mediaRoutes.getFileAudio,
    expect: members(200),
    request: async (f) => ({ params: { id: (await analysedRevision(f)).files[0]!.id } }),
  },
  {
    route: mediaRoutes.getFileWaveform,
    expect: members(200),
    request: async (f) => ({ params: { id: (await analysedRevision(f)).files[0]!.id } }),
  },
  {
    route: mediaRoutes.getFileAnalysis,
    expect: members(200),
    request: async (f) => ({ params: { id: (await analysedRevision(f)).files[0]!.id } }),
  },
];
