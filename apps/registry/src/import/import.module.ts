import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { ImportController } from './import.controller.js';
import { ImporterService } from './importer.service.js';
import { StartupImport } from './startup-import.js';

@Module({
  controllers: [ImportController],
  providers: [ImporterService, StartupImport, AdminGuard],
})
export class ImportModule {}
