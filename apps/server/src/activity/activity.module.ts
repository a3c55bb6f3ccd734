import { Module } from '@nestjs/common';
import { ActivityController } from './activity.controller.js';
import { ActivityRepository } from './activity.repository.js';
import { ActivityService } from './activity.service.js';
import { Mailer } from './mailer.js';

/** The per-user activity feed and its mail copies. */
@Module({
  controllers: [ActivityController],
  providers: [ActivityRepository, ActivityService, Mailer],
  exports: [ActivityService, Mailer],
})
export class ActivityModule {}
