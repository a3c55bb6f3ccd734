import { text, z } from '../zod.js';

/** Longest revision changelog, in characters. */
export const CHANGELOG_MAX = 5000;
/** Most stems one revision may carry. */
export const REVISION_STEMS_MAX = 128;

export const RevisionStatus = z.enum(['in_review', 'changes_requested', 'approved']);
export type RevisionStatus = z.infer<typeof RevisionStatus>;

export const AnalysisStatus = z.enum(['pending', 'running', 'completed', 'failed']);
export type AnalysisStatus = z.infer<typeof AnalysisStatus>;

const dbOrNull = () => z.number().nullable().describe('dB; null for digital silence');

/** What one analysis measured (the `mixroom analyze` fields plus per-channel peaks and sections). */
export const AnalysisSummary = z
  .object({
    durationS: z.number(),
    sampleRate: z.number().int(),
    channels: z.number().int(),
    frames: z.number().int(),
    samplePeakDbfs: dbOrNull(),
    truePeakDbtp: dbOrNull(),
    rmsDbfs: dbOrNull(),
    integratedLufs: dbOrNull(),
    loudnessRangeLu: z.number(),
    momentaryMaxLufs: dbOrNull(),
    shortTermMaxLufs: dbOrNull(),
    clippedSamples: z.number().int(),
    clipEvents: z.number().int(),
    /** Clip gain that puts the sample peak into the -18..-6 dBFS working window (0 when already inside). */
    suggestedClipGainDb: z.number(),
    channelSamplePeakDbfs: z.array(z.number().nullable()),
    channelTruePeakDbtp: z.array(z.number().nullable()),
    sections: z.array(
      z.object({
        id: z.string(),
        startS: z.number(),
        endS: z.number(),
        integratedLufs: z.number().nullable(),
        samplePeakDbfs: z.number().nullable(),
      }),
    ),
  })
  .openapi('AnalysisSummary');
export type AnalysisSummary = z.infer<typeof AnalysisSummary>;

export const FileAnalysis = z
  .object({
    fileId: z.uuid(),
    status: AnalysisStatus,
    /** 0..1 */
    progress: z.number(),
    result: AnalysisSummary.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    /** Zoom levels of the waveform overview (samples per pixel), once completed. */
    waveformLevels: z.array(z.number().int()),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('FileAnalysis');
export type FileAnalysis = z.infer<typeof FileAnalysis>;

export const RevisionFile = z
  .object({
    id: z.uuid(),
    revisionId: z.uuid(),
    kind: z.enum(['mix', 'stem']),
    /** 0 for the mix, then the stems in the order they were given. */
    position: z.number().int(),
    name: z.string(),
    filename: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    format: z.enum(['wav', 'aiff', 'flac', 'mp3']),
    contentType: z.string(),
    sampleRate: z.number().int(),
    channels: z.number().int(),
    bitsPerSample: z.number().int().nullable(),
    durationS: z.number(),
    analysis: FileAnalysis.omit({ fileId: true }),
  })
  .openapi('RevisionFile');
export type RevisionFile = z.infer<typeof RevisionFile>;

export const Revision = z
  .object({
    id: z.uuid(),
    sessionId: z.uuid(),
    number: z.number().int(),
    status: RevisionStatus,
    changelog: z.string().nullable(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    statusChangedAt: z.string().nullable(),
    files: z.array(RevisionFile),
    /** Over all files: `completed` when every analysis completed, `failed` when any failed, else pending/running. */
    analysis: z.object({ status: AnalysisStatus, progress: z.number() }),
  })
  .openapi('Revision');
export type Revision = z.infer<typeof Revision>;

export const CreateRevisionBody = z
  .strictObject({
    /** A completed upload of the caller in this session. */
    mixUploadId: z.uuid(),
    stemUploadIds: z
      .array(z.uuid())
      .max(REVISION_STEMS_MAX)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an upload')
      .optional(),
    changelog: text(CHANGELOG_MAX).optional(),
  })
  .refine((b) => !b.stemUploadIds?.includes(b.mixUploadId), {
    message: 'the mix upload cannot also be a stem',
    path: ['stemUploadIds'],
  })
  .openapi('CreateRevisionBody');
export type CreateRevisionBody = z.infer<typeof CreateRevisionBody>;

export const RevisionResponse = z.object({ revision: Revision });
export const RevisionListResponse = z.object({ revisions: z.array(Revision) });
export const FileAnalysisResponse = z.object({ analysis: FileAnalysis });

export const WaveformQuery = z.strictObject({
  /** One of the file's zoom levels (see `waveformLevels` of its analysis). Default 1024, or the finest there is. */
  samplesPerPixel: z.coerce.number().int().positive().optional(),
});

/** One zoom level in the audiowaveform JSON format (version 2), as peaks.js reads it. */
export const WaveformResponse = z
  .object({
    version: z.literal(2),
    channels: z.number().int(),
    sample_rate: z.number().int(),
    samples_per_pixel: z.number().int(),
    bits: z.literal(16),
    length: z.number().int(),
    /** Per pixel, per channel: min then max, signed 16-bit (32767 = full scale). */
    data: z.array(z.number().int()),
  })
  .openapi('Waveform');

/** tus `Upload-Metadata` keys Mixroom reads (values base64 in the header, as tus specifies). */
export const UploadMetadata = z.object({
  sessionId: z.uuid(),
  filename: text(255),
  filetype: z.string().trim().max(255).optional(),
});
export type UploadMetadata = z.infer<typeof UploadMetadata>;
