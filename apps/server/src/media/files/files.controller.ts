import { mediaRoutes as r } from '@mixroom/contract';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Api, ApiInput, type Input } from '../../common/api.decorator.js';
import { type Caller, CurrentCaller } from '../../common/caller.js';
import { FilesService } from './files.service.js';

@Controller()
export class FilesController {
  constructor(@Inject(FilesService) private readonly files: FilesService) {}

  @Api(r.getFileAudio)
  audio(
    @CurrentCaller() caller: Caller,
    @ApiInput() { params }: Input<typeof r.getFileAudio>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.files.sendAudio(caller, params.id, req, res);
  }

  @Api(r.getFileWaveform)
  waveform(@CurrentCaller() caller: Caller, @ApiInput() { params, query }: Input<typeof r.getFileWaveform>) {
    return this.files.waveform(caller, params.id, query.samplesPerPixel);
  }

  @Api(r.getFileAnalysis)
  analysis(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.getFileAnalysis>) {
    return this.files.analysis(caller, params.id);
  }
}
