import { automationTable, automationTableCsv, MixModelError, type MixState } from '@mixroom/mix-model';
import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { notFound } from '../common/errors.js';
import { MIX_DOCUMENTS, type MixDocumentReader, readMixState } from '../notes/mix-reader.js';
import type { NoteStatus } from '../notes/notes.repository.js';
import { NotesService } from '../notes/notes.service.js';
import { SessionAccess } from '../sessions/session-access.service.js';
import {
  attachment,
  audacityLabels,
  type ExportThread,
  fileStem,
  notesCsv,
  notesHtml,
  reaperCsv,
} from './formats.js';

export type NotesFormat = 'csv' | 'reaper' | 'audacity' | 'html';

/** A file to send: body, Content-Type and Content-Disposition. */
export interface ExportFile {
  body: string;
  contentType: string;
  disposition: string;
}

const FORMATS: Record<NotesFormat, { type: string; suffix: string }> = {
  csv: { type: 'text/csv; charset=utf-8; header=present', suffix: 'notes.csv' },
  reaper: { type: 'text/csv; charset=utf-8; header=present', suffix: 'notes.reaper.csv' },
  audacity: { type: 'text/plain; charset=utf-8', suffix: 'notes.audacity.txt' },
  html: { type: 'text/html; charset=utf-8', suffix: 'notes.html' },
};

/** Getting notes and scenes back into the DAW: CSV, Reaper markers, Audacity labels, a notes sheet. */
@Injectable()
export class ExportsService {
  constructor(
    @Inject(NotesService) private readonly notes: NotesService,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(MIX_DOCUMENTS) private readonly mixDocs: MixDocumentReader,
  ) {}

  async notesFile(
    caller: Caller,
    revisionId: string,
    format: NotesFormat,
    status: NoteStatus,
  ): Promise<ExportFile> {
    const { revision, membership } = await this.notes.revisionFor(caller, revisionId, 'read');
    const [threads, mix] = await Promise.all([
      this.notes.threads(revision, status),
      readMixState(this.mixDocs, revision.sessionId),
    ]);
    const sections = new Map(mix.sections.map((s) => [s.id, s.label || s.id]));
    const stems = new Map(mix.stems.map((s) => [s.id, s.name || s.id]));
    const rows: ExportThread[] = threads.map((t) => ({
      id: t.id,
      revisionNumber: t.revisionNumber,
      atS: t.atS,
      endS: t.endS,
      authorName: t.authorName,
      section: t.sectionId === null ? null : (sections.get(t.sectionId) ?? t.sectionId),
      stem: t.stemId === null ? null : (stems.get(t.stemId) ?? t.stemId),
      direction: t.direction,
      amountDb: t.amountDb,
      resolved: t.resolved,
      resolvedInRevisionNumber: t.resolvedInRevisionNumber,
      body: t.body,
      replies: t.replies.map((r) => ({ authorName: r.authorName, body: r.body, createdAt: r.createdAt })),
    }));
    const session = membership.session;
    const body =
      format === 'csv'
        ? notesCsv(rows)
        : format === 'reaper'
          ? reaperCsv(rows)
          : format === 'audacity'
            ? audacityLabels(rows)
            : notesHtml({
                sessionTitle: session.title,
                artistName: session.artistName,
                revisionNumber: revision.number,
                generatedAt: new Date(),
                threads: rows,
              });
    const { type, suffix } = FORMATS[format];
    return {
      body,
      contentType: type,
      disposition: attachment(`${fileStem(session.title)}-v${revision.number}-${suffix}`),
    };
  }

  async automationCsv(caller: Caller, sessionId: string, sceneId: string): Promise<ExportFile> {
    const { session } = await this.access.require(sessionId, caller, 'read');
    const mix: MixState = await readMixState(this.mixDocs, sessionId);
    const scene = mix.scenes.find((s) => s.id === sceneId);
    if (!scene) throw notFound('Scene not found.');
    let rows: ReturnType<typeof automationTable>;
    try {
      rows = automationTable(mix, scene.id);
    } catch (err) {
      if (err instanceof MixModelError && err.code === 'not-found') throw notFound('Scene not found.');
      throw err;
    }
    return {
      body: automationTableCsv(rows),
      contentType: 'text/csv; charset=utf-8; header=present',
      disposition: attachment(`${fileStem(session.title)}-${fileStem(scene.name)}-automation.csv`),
    };
  }
}
