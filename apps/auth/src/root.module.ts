import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BusModule, type BusTransport } from '@portcullis/bus';
import type { DataSource } from 'typeorm';
import { ClientsModule } from './clients/clients.module.js';
import { AUTH_CONFIG, type AuthConfig } from './config.js';
import { DiscoveryModule } from './discovery/discovery.module.js';
import { Issuer } from './issuer.js';
import { HealthModule } from './health/health.module.js';
import { IntrospectionModule } from './introspection/introspection.module.js';
import { UserinfoModule } from './userinfo/userinfo.module.js';
import { KeysModule } from './keys/keys.module.js';
import { PingModule } from './ping/ping.module.js';
import { RevocationModule } from './revocation/revocation.module.js';
import { TokenEndpointModule } from './token-endpoint/token-endpoint.module.js';
import { UsersModule } from './users/users.module.js';
import { AuthorizeModule } from './authorize/authorize.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { LogoutModule } from './logout/logout.module.js';
import { RegistrationModule } from './registration/registration.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { QuotaModule } from './quota/quota.module.js';
import { StorageModule } from './storage/storage.module.js';

export { AUTH_CONFIG };

export interface RootModuleOptions {
  config: AuthConfig;
  transport: BusTransport;
  /** Opened (and migrated) before Nest starts: a service that cannot migrate must not start. */
  dataSource: DataSource;
  /** Created by `createAuthApp`, which learns the listening URL it may default to. */
  issuer: Issuer;
}

/** The auth service's composition root: its settings and issuer for every module, its storage, and the bus. */
@Global()
@Module({})
export class RootModule {
  static forRoot(options: RootModuleOptions): DynamicModule {
    return {
      module: RootModule,
      imports: [
        BusModule.forRoot(options.transport),
        StorageModule.forRoot(options.dataSource),
        HealthModule,
        PingModule,
        KeysModule,
        ClientsModule,
        TokenEndpointModule,
        IntrospectionModule,
        UserinfoModule,
        RevocationModule,
        DiscoveryModule,
        UsersModule,
        AuthorizeModule,
        SessionsModule,
        LogoutModule,
        RegistrationModule,
        ApiKeysModule,
        CredentialsModule,
        QuotaModule,
      ],
      providers: [
        { provide: AUTH_CONFIG, useValue: options.config },
        { provide: Issuer, useValue: options.issuer },
      ],
      exports: [AUTH_CONFIG, Issuer],
    };
  }
}
