import type {
  AnalysisSummary,
  Note as ContractNote,
  NoteThread,
  Revision,
  RevisionFile,
} from '@mixroom/contract';

export type {
  AnalysisSummary,
  BriefSignature,
  Decision,
  Revision,
  RevisionFile,
  RevisionStatus,
} from '@mixroom/contract';

export type Direction = 'up' | 'down';
export type Note = ContractNote;
export type Analysis = AnalysisSummary;

/** The stereo bounce of a revision. */
export function mixFile(revision: Revision): RevisionFile | undefined {
  return revision.files.find((f) => f.kind === 'mix');
}

export function stemFiles(revision: Revision): RevisionFile[] {
  return revision.files.filter((f) => f.kind === 'stem').sort((a, b) => a.position - b.position);
}

/** Threads as one flat list (replies carry their parentId), the shape the notes panel works with. */
export function flattenThreads(threads: NoteThread[]): Note[] {
  return threads.flatMap(({ replies, ...note }) => [note, ...replies]);
}

/** A revision as the review room and the mixer use it: the contract's, plus the mix file's id. */
export type ReviewRevision = Revision & { mixFileId: string | null };

export function withMixFileId(revision: Revision): ReviewRevision {
  return { ...revision, mixFileId: mixFile(revision)?.id ?? null };
}

/** A file's measured loudness and peaks, once its analysis completed. */
export function analysisOf(file: RevisionFile | undefined): AnalysisSummary | null {
  return file?.analysis.status === 'completed' ? file.analysis.result : null;
}
