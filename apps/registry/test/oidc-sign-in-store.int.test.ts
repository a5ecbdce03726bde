import { openDatabase } from '@portcullis/database';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { OidcSignInRecord, type OidcSignInPurpose } from '../src/portal/oidc/oidc-sign-in.entity.js';
import { OidcSignInStore } from '../src/portal/storage/oidc-sign-in-store.js';
import { registryEntities, registryMigrations } from '../src/schema.js';

/** The sign-ins under way of the portal and the console, one table, on the real PostgreSQL through the registry's migrations. */
describeWithServices('OpenID sign-ins under way', () => {
  const schema = `registry_oidc_sign_ins_${randomBytes(6).toString('hex')}`;
  let dataSource: DataSource;
  let store: OidcSignInStore;

  beforeAll(async () => {
    dataSource = await openDatabase({
      url: testServices.databaseUrl,
      schema,
      entities: registryEntities,
      migrations: registryMigrations,
      poolSize: 2,
      applicationName: 'oidc-sign-in-store-int',
    });
    store = new OidcSignInStore(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropScratchSchemas(schema);
  });

  async function started(purpose: OidcSignInPurpose): Promise<string> {
    const stateHash = randomBytes(32).toString('hex');
    await store.insert(
      Object.assign(new OidcSignInRecord(), { stateHash, purpose, nonce: 'n', codeVerifier: 'v', next: '/', expiresAt: new Date(Date.now() + 60_000) }),
    );
    return stateHash;
  }

  it('gives a sign-in only to a callback of the pages it started from, once', async () => {
    const consoles = await started('console');
    expect(await store.take(consoles, 'portal', new Date()), 'the portal’s callback does not find the console’s').toBeNull();
    expect(await store.take(consoles, 'console', new Date())).toEqual(expect.objectContaining({ stateHash: consoles, purpose: 'console' }));
    expect(await store.take(consoles, 'console', new Date()), 'spent').toBeNull();
    const portals = await started('portal');
    expect(await store.take(portals, 'console', new Date())).toBeNull();
    expect(await store.take(portals, 'portal', new Date())).toEqual(expect.objectContaining({ purpose: 'portal' }));
  });

  it('refuses a purpose of neither', async () => {
    await expect(started('elsewhere' as OidcSignInPurpose)).rejects.toThrow(/oidc_sign_ins_purpose_check/);
  });
});
