import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { RegistryConfig } from '../config.js';
import { REGISTRY_CONFIG } from '../registry-config.token.js';
import { ImporterService, ImportRejected } from './importer.service.js';
import { readImportFiles } from './tyk-files.js';

/**
 * Imports the Tyk setup named by IMPORT_POLICIES_FILE / IMPORT_APIS_DIR once the bus is connected
 * (its events must reach running gateways) and before the admin API listens. A setup that does not
 * import stops the start, every error logged: serving without it would be serving the wrong config.
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
    try {
      const report = await this.importer.import(batch, errors);
      this.logger.log(`imported ${[policiesFile, apisDir].filter(Boolean).join(' and ')}: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged`);
    } catch (error) {
      if (!(error instanceof ImportRejected)) throw error;
      for (const problem of error.report.errors) this.logger.error(`${problem.source}: ${problem.field}: ${problem.message}`);
      throw new Error(`the Tyk import failed with ${error.report.errors.length} error(s); nothing was imported`);
    }
  }
}
