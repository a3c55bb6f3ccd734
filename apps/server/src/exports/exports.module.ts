import { Module } from '@nestjs/common';
import { NotesModule } from '../notes/notes.module.js';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';

/** Notes and scene exports for DAWs and print. */
@Module({
  imports: [NotesModule],
  controllers: [ExportsController],
  providers: [ExportsService],
})
export class ExportsModule {}
