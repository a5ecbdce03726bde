import { Module } from '@nestjs/common';
import { ClientBindings } from '../bindings/client-bindings.js';
import { DcrRegistrar } from './dcr-registrar.js';
import { ExternalRegistrations } from './external-registrations.js';

/** DCR providers (admin API), the registrar, the registrations it keeps, and the client bindings. */
@Module({
  providers: [DcrRegistrar, ExternalRegistrations, ClientBindings],
  exports: [DcrRegistrar, ExternalRegistrations, ClientBindings],
})
export class PortalProvidersModule {}
