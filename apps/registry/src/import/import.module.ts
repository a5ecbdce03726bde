import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { ApiStore } from '../storage/api-store.js';
import { PolicyStore } from '../storage/policy-store.js';
import { ImportController } from './import.controller.js';
import { ImporterService } from './importer.service.js';
import { StartupImport } from './startup-import.js';

@Module({
  controllers: [ImportController],
  providers: [ApiStore, PolicyStore, ImporterService, StartupImport, AdminGuard],
})
export class ImportModule {}
