import { noteRoutes as r } from '@mixroom/contract';
import { Controller, Inject } from '@nestjs/common';
import { Api, ApiInput, type Input } from '../common/api.decorator.js';
import { type Caller, CurrentCaller } from '../common/caller.js';
import { NotesService } from './notes.service.js';

@Controller()
export class NotesController {
  constructor(@Inject(NotesService) private readonly notes: NotesService) {}

  @Api(r.listNotes)
  list(@CurrentCaller() caller: Caller, @ApiInput() { params, query }: Input<typeof r.listNotes>) {
    return this.notes.list(caller, params.id, query.status);
  }

  @Api(r.createNote)
  create(@CurrentCaller() caller: Caller, @ApiInput() { params, body }: Input<typeof r.createNote>) {
    return this.notes.create(caller, params.id, body);
  }

  @Api(r.getNote)
  get(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.getNote>) {
    return this.notes.get(caller, params.id);
  }

  @Api(r.updateNote)
  update(@CurrentCaller() caller: Caller, @ApiInput() { params, body }: Input<typeof r.updateNote>) {
    return this.notes.update(caller, params.id, body);
  }

  @Api(r.deleteNote)
  delete(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.deleteNote>) {
    return this.notes.delete(caller, params.id);
  }

  @Api(r.listNoteVersions)
  versions(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.listNoteVersions>) {
    return this.notes.versions(caller, params.id);
  }
}
