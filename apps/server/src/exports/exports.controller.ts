import { noteRoutes as r } from '@mixroom/contract';
import { Controller, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Api, ApiInput, type Input } from '../common/api.decorator.js';
import { type Caller, CurrentCaller } from '../common/caller.js';
import { type ExportFile, ExportsService } from './exports.service.js';

function send(res: Response, file: ExportFile): string {
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', file.disposition);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  if (file.contentType.startsWith('text/html')) {
    // The sheet is self-contained: no scripts, no remote loads even if something slipped through escaping.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  }
  return file.body;
}

@Controller()
export class ExportsController {
  constructor(@Inject(ExportsService) private readonly exports: ExportsService) {}

  @Api(r.exportNotesCsv)
  async csv(
    @CurrentCaller() caller: Caller,
    @ApiInput() { params, query }: Input<typeof r.exportNotesCsv>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return send(res, await this.exports.notesFile(caller, params.id, 'csv', query.status));
  }

  @Api(r.exportNotesReaper)
  async reaper(
    @CurrentCaller() caller: Caller,
    @ApiInput() { params, query }: Input<typeof r.exportNotesReaper>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return send(res, await this.exports.notesFile(caller, params.id, 'reaper', query.status));
  }

  @Api(r.exportNotesAudacity)
  async audacity(
    @CurrentCaller() caller: Caller,
    @ApiInput() { params, query }: Input<typeof r.exportNotesAudacity>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return send(res, await this.exports.notesFile(caller, params.id, 'audacity', query.status));
  }

  @Api(r.exportNotesHtml)
  async html(
    @CurrentCaller() caller: Caller,
    @ApiInput() { params, query }: Input<typeof r.exportNotesHtml>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return send(res, await this.exports.notesFile(caller, params.id, 'html', query.status));
  }

  @Api(r.exportAutomationCsv)
  async automation(
    @CurrentCaller() caller: Caller,
    @ApiInput() { params }: Input<typeof r.exportAutomationCsv>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return send(res, await this.exports.automationCsv(caller, params.id, params.sceneId));
  }
}
