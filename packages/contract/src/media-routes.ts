import { route } from './route.js';
import { IdParam } from './schemas/common.js';
import {
  CreateRevisionBody,
  FileAnalysisResponse,
  RevisionListResponse,
  RevisionResponse,
  WaveformQuery,
  WaveformResponse,
} from './schemas/media.js';

/**
 * Resumable uploads (tus 1.0: creation, creation-with-upload, creation-defer-length, termination,
 * expiration). These are answered by the tus server, not JSON handlers: send `Tus-Resumable: 1.0.0`, and at
 * creation `Upload-Length` and `Upload-Metadata` with `sessionId`, `filename` and optionally `filetype`
 * (base64 values). Only engineers of the session may upload. Authentication and membership errors use the
 * JSON error envelope; tus protocol errors (offset mismatch 409, expired 410...) are plain text, as tus
 * clients expect.
 */
export const uploadRoutes = {
  createUpload: route({
    method: 'post',
    path: '/api/uploads',
    summary:
      'Start a resumable (tus) upload into a session (engineer); 413 when Upload-Length exceeds the size cap',
    tag: 'uploads',
    auth: 'user',
    status: 201,
  }),
  uploadOffset: route({
    method: 'head',
    path: '/api/uploads/:id',
    summary: 'How many bytes of an upload the server has (Upload-Offset), to resume it (the uploader)',
    tag: 'uploads',
    auth: 'user',
    params: IdParam,
    status: 200,
  }),
  appendUpload: route({
    method: 'patch',
    path: '/api/uploads/:id',
    summary: 'Append bytes at Upload-Offset (application/offset+octet-stream; the uploader)',
    tag: 'uploads',
    auth: 'user',
    params: IdParam,
    status: 204,
  }),
  cancelUpload: route({
    method: 'delete',
    path: '/api/uploads/:id',
    summary: 'Abandon an upload and free its storage (the uploader)',
    tag: 'uploads',
    auth: 'user',
    params: IdParam,
    status: 204,
  }),
} as const;

/** Revisions of a session and their audio files, waveforms and analyses. */
export const mediaRoutes = {
  createRevision: route({
    method: 'post',
    path: '/api/sessions/:id/revisions',
    summary:
      'Deliver a revision from completed uploads (engineer); numbered 1, 2, ... per session; 422 for audio that does not decode',
    tag: 'revisions',
    auth: 'user',
    params: IdParam,
    body: CreateRevisionBody,
    status: 201,
    response: RevisionResponse,
  }),
  listRevisions: route({
    method: 'get',
    path: '/api/sessions/:id/revisions',
    summary: 'Revisions of a session, newest first, with files and analysis status',
    tag: 'revisions',
    auth: 'user',
    params: IdParam,
    status: 200,
    response: RevisionListResponse,
  }),
  getRevision: route({
    method: 'get',
    path: '/api/revisions/:id',
    summary: 'A revision with its files and analysis status and progress',
    tag: 'revisions',
    auth: 'user',
    params: IdParam,
    status: 200,
    response: RevisionResponse,
  }),
  getFileAudio: route({
    method: 'get',
    path: '/api/files/:id/audio',
    summary:
      'The audio bytes; HTTP Range gives 206 (one range per request), 416 when unsatisfiable; ETag is the SHA-256',
    tag: 'files',
    auth: 'user',
    params: IdParam,
    status: 200,
    produces: 'audio/*',
  }),
  getFileWaveform: route({
    method: 'get',
    path: '/api/files/:id/waveform',
    summary:
      'Waveform overview (audiowaveform JSON v2); 409 analysis_pending with Retry-After while the analysis runs, 422 analysis_failed',
    tag: 'files',
    auth: 'user',
    params: IdParam,
    query: WaveformQuery,
    status: 200,
    response: WaveformResponse,
  }),
  getFileAnalysis: route({
    method: 'get',
    path: '/api/files/:id/analysis',
    summary: 'Analysis status, progress and result (loudness, peaks, suggested clip gain) of a file',
    tag: 'files',
    auth: 'user',
    params: IdParam,
    status: 200,
    response: FileAnalysisResponse,
  }),
} as const;
