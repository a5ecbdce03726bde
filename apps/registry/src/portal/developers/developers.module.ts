import { Module } from '@nestjs/common';
import { AdminGuard } from '../../apis/admin.guard.js';
import { AppsModule } from '../apps/apps.module.js';
import { DevelopersController } from './developers.controller.js';
import { DevelopersService } from './developers.service.js';

@Module({
  imports: [AppsModule],
  controllers: [DevelopersController],
  providers: [DevelopersService, AdminGuard],
  exports: [DevelopersService],
})
export class DevelopersModule {}
