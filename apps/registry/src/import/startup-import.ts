import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { RegistryConfig } from '../config.js';
import { REGISTRY_CONFIG } from '../registry-config.token.js';
import { ImporterService } from './importer.service.js';
import { readImportFiles } from './tyk-files.js';

/**
 * Imports the Tyk setup named by IMPORT_POLICIES_FILE / IMPORT_APIS_DIR once the bus is connected
 * (its events must reach running gateways) and before the admin API listens. One bad item never
 * stops the start: what can be honoured is imported, each item that cannot (an unsupported feature,
 * a broken file) is refused and logged with its file and reason, and the report stays readable at
 * `GET /admin/import/last`. Refusing is the safe side: a refused API is not served at all, never
 * served with less protection than its definition asks for.
 */
@Injectable()
export class StartupImport implements OnApplicationBootstrap {
  private readonly logger = new Logger('Import');

  constructor(
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly importer: ImporterService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { policiesFile, apisDir } = this.config.import;
    if (!policiesFile && !apisDir) return;
    const { batch, errors } = await readImportFiles({ policiesFile, apisDir });
    const report = await this.importer.import(batch, errors, { partial: true });
    for (const item of report.items) {
      if (item.outcome !== 'refused') continue;
      for (const reason of item.reasons ?? []) this.logger.warn(`refused ${item.source}: ${reason.field}: ${reason.message}`);
    }
    this.logger.log(
      `imported ${[policiesFile, apisDir].filter(Boolean).join(' and ')}: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.refused} refused (GET /admin/import/last)`,
    );
  }
}
