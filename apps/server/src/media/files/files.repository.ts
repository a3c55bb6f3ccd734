import { analyses, type Database, files } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { asc, eq, inArray } from 'drizzle-orm';
import { DATABASE } from '../../common/tokens.js';

export type FileRow = typeof files.$inferSelect;
type AnalysisRow = typeof analyses.$inferSelect;

/** Everything about a file's analysis except the (large) waveform bytes. */
const analysisColumns = {
  status: analyses.status,
  progress: analyses.progress,
  result: analyses.result,
  error: analyses.error,
  waveformInfo: analyses.waveformInfo,
  startedAt: analyses.startedAt,
  finishedAt: analyses.finishedAt,
};

export type FileWithAnalysis = FileRow & {
  analysis: Pick<
    AnalysisRow,
    'status' | 'progress' | 'result' | 'error' | 'waveformInfo' | 'startedAt' | 'finishedAt'
  >;
};

/** Reads of revision files and their analyses. */
@Injectable()
export class FilesRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Files of these revisions with their analysis state, mix first then stems in order. */
  async filesOf(revisionIds: string[]): Promise<FileWithAnalysis[]> {
    if (revisionIds.length === 0) return [];
    const rows = await this.db
      .select({ file: files, analysis: analysisColumns })
      .from(files)
      .innerJoin(analyses, eq(analyses.fileId, files.id))
      .where(inArray(files.revisionId, revisionIds))
      .orderBy(asc(files.revisionId), asc(files.position));
    return rows.map(({ file, analysis }) => ({ ...file, analysis }));
  }

  /** A file with its analysis state (no waveform bytes). */
  async findFile(id: string): Promise<FileWithAnalysis | undefined> {
    const [row] = await this.db
      .select({ file: files, analysis: analysisColumns })
      .from(files)
      .innerJoin(analyses, eq(analyses.fileId, files.id))
      .where(eq(files.id, id));
    return row && { ...row.file, analysis: row.analysis };
  }

  /** The stored waveform overview of a file. */
  async findWaveform(fileId: string) {
    const [row] = await this.db
      .select({ info: analyses.waveformInfo, bytes: analyses.waveform })
      .from(analyses)
      .where(eq(analyses.fileId, fileId));
    return row;
  }
}
