import { Module } from '@nestjs/common';
import { AdminGuard } from '../../http/admin.guard.js';
import { ClientBindings } from '../../client-bindings/client-bindings.js';
import { DcrRegistrar } from './dcr-registrar.js';
import { ExternalRegistrations } from './external-registrations.js';
import { ProvidersController } from './providers.controller.js';
import { ProvidersService } from './providers.service.js';
import { SecretSealer } from './sealed-secrets.js';

/** DCR providers (admin API), the registrar, the registrations it keeps, and the client bindings. */
@Module({
  controllers: [ProvidersController],
  providers: [ProvidersService, DcrRegistrar, ExternalRegistrations, ClientBindings, SecretSealer, AdminGuard],
  exports: [ProvidersService, DcrRegistrar, ExternalRegistrations, ClientBindings],
})
export class PortalProvidersModule {}
