import { systemRoutes as r } from '@mixroom/contract';
import type { DatabaseHandle } from '@mixroom/db';
import { Controller, Inject } from '@nestjs/common';
import { Api } from '../common/api.decorator.js';
import { AppError } from '../common/errors.js';
import { DATABASE_HANDLE } from '../common/tokens.js';

@Controller()
export class SystemController {
  constructor(@Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle) {}

  @Api(r.health)
  health() {
    return { status: 'ok' };
  }

  @Api(r.ready)
  async ready() {
    try {
      await this.database.ping();
    } catch {
      throw new AppError(503, 'not_ready', 'The database is not reachable.');
    }
    return { status: 'ready', database: this.database.kind };
  }
}
