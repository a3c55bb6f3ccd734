import type { DatabaseHandle } from '@mixroom/db';
import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AuthController } from './accounts/auth.controller.js';
import { AuthService } from './accounts/auth.service.js';
import { UsersRepository } from './accounts/users.repository.js';
import { AuthGuard } from './common/auth.guard.js';
import { ErrorFilter } from './common/error.filter.js';
import { RateLimitService } from './common/rate-limit.service.js';
import { REDIS } from './common/redis.js';
import { CONFIG, DATABASE, DATABASE_HANDLE, LOGGER } from './common/tokens.js';
import type { Config } from './config/config.js';
import { ActivityModule } from './activity/activity.module.js';
import { DecisionsModule } from './decisions/decisions.module.js';
import { DemoModule } from './demo/demo.controller.js';
import { EventsModule } from './events/events.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { NotesModule } from './notes/notes.module.js';
import { MediaModule } from './media/media.module.js';
import { SessionEvents } from './events/session-events.js';
import { Metrics } from './observability/metrics.js';
import { InvitesService } from './sessions/invites.service.js';
import { SessionAccess } from './sessions/session-access.service.js';
import { InvitesController, SessionsController } from './sessions/sessions.controller.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { SessionsService } from './sessions/sessions.service.js';
import { SyncModule } from './sync/sync.module.js';
import { SystemController } from './system/system.controller.js';

export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  redis: Redis | null;
  logger: Logger;
  metrics: Metrics;
}

/** Infrastructure and access control every feature module uses. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(ctx: AppContext): DynamicModule {
    const values: Provider[] = [
      { provide: CONFIG, useValue: ctx.config },
      { provide: DATABASE_HANDLE, useValue: ctx.database },
      { provide: DATABASE, useValue: ctx.database.db },
      { provide: REDIS, useValue: ctx.redis },
      { provide: LOGGER, useValue: ctx.logger },
      { provide: Metrics, useValue: ctx.metrics },
    ];
    const shared = [
      SessionEvents,
      RateLimitService,
      UsersRepository,
      AuthService,
      SessionsRepository,
      SessionAccess,
    ];
    return {
      module: CoreModule,
      providers: [...values, ...shared],
      exports: [...values.map((p) => (p as { provide: symbol }).provide), ...shared],
    };
  }
}

@Module({
  controllers: [SystemController, AuthController, SessionsController, InvitesController],
  providers: [SessionsService, InvitesService],
})
export class AccountsAndSessionsModule {}

@Module({})
export class AppModule {
  static forRoot(ctx: AppContext): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(ctx),
        AccountsAndSessionsModule,
        EventsModule,
        ActivityModule,
        NotesModule,
        DecisionsModule,
        ExportsModule,
        MediaModule,
        SyncModule,
        DemoModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
