import { Module } from '@nestjs/common';
import { AdminGuard } from '../../http/admin.guard.js';
import { AppsModule } from '../apps/apps.module.js';
import { DevelopersController } from './developers.controller.js';
import { DeveloperLogins } from './developer-logins.js';
import { DevelopersService } from './developers.service.js';

@Module({
  imports: [AppsModule],
  controllers: [DevelopersController],
  providers: [DevelopersService, DeveloperLogins, AdminGuard],
  exports: [DevelopersService, DeveloperLogins],
})
export class DevelopersModule {}
