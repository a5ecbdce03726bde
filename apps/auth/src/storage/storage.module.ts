import { Module, type DynamicModule } from '@nestjs/common';
import { storageModule } from '@portcullis/database';
import type { DataSource } from 'typeorm';
import { ApiKeyStore } from './api-key-store.js';
import { AuthorizationCodeStore } from './authorization-code-store.js';
import { ClientStore } from './client-store.js';
import { DatabaseHealth } from './database-health.js';
import { ClientAuthThrottle, UserLoginThrottle } from './failure-throttles.js';
import { ClientRegistrationStore, InitialAccessTokenStore } from './registration-store.js';
import { UserStore } from './user-store.js';
import { SigningKeyStore } from './signing-key-store.js';
import { OAuth1ConsumerStore, OAuth1NonceStore } from './oauth1-store.js';
import { QuotaStore } from './quota-store.js';
import { TokenStore } from './token-store.js';
import { ConsentStore, LoginSessionStore } from './login-session-store.js';

/** Every store of the auth schema (the failure throttles and the readiness probe are stores too). */
const stores = [
  DatabaseHealth,
  ClientAuthThrottle,
  UserLoginThrottle,
  TokenStore,
  ApiKeyStore,
  QuotaStore,
  OAuth1ConsumerStore,
  OAuth1NonceStore,
  AuthorizationCodeStore,
  SigningKeyStore,
  ClientStore,
  ClientRegistrationStore,
  InitialAccessTokenStore,
  UserStore,
  LoginSessionStore,
  ConsentStore,
];

/**
 * The auth service's lowest layer: the only module given the DataSource. The rest of the service
 * reaches PostgreSQL through the stores it exports (global: every feature needs one or two).
 */
@Module({})
export class StorageModule {
  static forRoot(dataSource: DataSource): DynamicModule {
    return storageModule(StorageModule, dataSource, stores);
  }
}
