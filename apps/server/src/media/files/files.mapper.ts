import type { AnalysisSummary, FileAnalysis, RevisionFile } from '@mixroom/contract';
import type { FileWithAnalysis } from './files.repository.js';

/** The served Content-Type, from the format read from the file's magic bytes (never the uploaded name). */
export const CONTENT_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  aiff: 'audio/aiff',
  flac: 'audio/flac',
  mp3: 'audio/mpeg',
};

export const contentTypeOf = (format: string) => CONTENT_TYPES[format] ?? 'application/octet-stream';

export function toFileAnalysis(file: FileWithAnalysis): FileAnalysis {
  const a = file.analysis;
  return {
    fileId: file.id,
    status: a.status,
    progress: a.status === 'completed' ? 1 : a.progress,
    result: (a.result as AnalysisSummary | null) ?? null,
    error: a.error ?? null,
    waveformLevels: a.waveformInfo?.levels.map((l) => l.samplesPerPixel) ?? [],
    startedAt: a.startedAt?.toISOString() ?? null,
    finishedAt: a.finishedAt?.toISOString() ?? null,
  };
}

export function toRevisionFile(file: FileWithAnalysis): RevisionFile {
  const { fileId: _fileId, ...analysis } = toFileAnalysis(file);
  return {
    id: file.id,
    revisionId: file.revisionId,
    kind: file.kind,
    position: file.position,
    name: file.name,
    filename: file.filename,
    size: file.size,
    sha256: file.sha256,
    format: file.format as RevisionFile['format'],
    contentType: contentTypeOf(file.format),
    sampleRate: file.sampleRate,
    channels: file.channels,
    bitsPerSample: file.bitsPerSample,
    durationS: file.durationS,
    analysis,
  };
}
