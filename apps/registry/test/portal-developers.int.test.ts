import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fastestRun } from '../../../tools/test/timing.js';
import { describeWithServices } from '../../../tools/test/with-services.js';
import { AppsService } from '../src/portal/apps/apps.service.js';
import { CatalogueService } from '../src/portal/catalogue/catalogue.service.js';
import { DeveloperLogins } from '../src/portal/developers/developer-logins.js';
import { DevelopersService } from '../src/portal/developers/developers.service.js';
import type { Developer } from '../src/portal/portal-types.js';
import { DeveloperStore } from '../src/portal/storage/developer-store.js';
import { LoginThrottle } from '../src/portal/storage/login-throttle.js';
import { PortalSessionStore } from '../src/portal/storage/portal-session-store.js';
import { apiFixtures, policyFor, startPortalStack, type PortalStack } from './portal-fixtures.js';

/**
 * Developer accounts: sign-up (DevelopersService) and logins (DeveloperLogins, which the pages call), and the
 * admin API (/admin/portal/developers): approval, blocking that revokes every credential at the
 * real auth service, deletion, and password reset links.
 */
describeWithServices('portal developers (PostgreSQL + NATS + the auth service)', () => {
  const tag = randomBytes(4).toString('hex');
  const password = 'correct horse battery';
  let stack: PortalStack;
  let developers: DevelopersService;
  let apps: AppsService;
  let bus: Bus;
  let keyEntry: string;
  let clientEntry: string;

  beforeAll(async () => {
    stack = await startPortalStack();
    developers = stack.service(DevelopersService);
    apps = stack.service(AppsService);
    bus = stack.service(Bus);
    const [keyed, oauth, gold] = [`keyed-${tag}`, `oauth-${tag}`, `gold-${tag}`];
    expect((await stack.admin('POST', '/admin/apis', apiFixtures.keyed(keyed))).status).toBe(201);
    expect((await stack.admin('POST', '/admin/apis', apiFixtures.oauth(oauth))).status).toBe(201);
    expect((await stack.admin('POST', '/admin/policies', policyFor(gold, [keyed, oauth]))).status).toBe(201);
    const catalogue = stack.service(CatalogueService);
    keyEntry = (await catalogue.create({ api_id: keyed, policy_id: gold, name: 'Keys', credential_kind: 'api_key' })).id;
    clientEntry = (await catalogue.create({ api_id: oauth, policy_id: gold, name: 'Clients', credential_kind: 'oauth_client' })).id;
  });

  afterAll(async () => {
    await stack?.close();
  });

  const email = (name: string) => `${name}-${tag}@example.test`;
  const logIn = (address: string, secret: string) => stack.service(DeveloperLogins).logIn(address, secret);
  const wrong = { refused: { reason: 'wrong' } };

  /** The developer with this email as the admin API lists them, or undefined. */
  async function listed(address: string): Promise<Developer | undefined> {
    return ((await stack.admin('GET', '/admin/portal/developers')).body as Developer[]).find((developer) => developer.email === address);
  }

  async function keyFound(apiKey: string): Promise<boolean> {
    return (await bus.request(subjects.authKeysLookup, { kind: 'key', id: apiKey })).found;
  }

  async function clientExists(clientId: string): Promise<boolean> {
    return bus.request(subjects.authClientsGet, { client_id: clientId }).then(
      () => true,
      (error: { code?: string }) => {
        if (error.code === 'not_found') return false;
        throw error;
      },
    );
  }

  it('signs a developer up (active without approval), storing only a slow hash of the password', async () => {
    const developer = await developers.signUp(`  ${email('Ada').toUpperCase()} `, password);
    expect(developer).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: email('ada'), status: 'active', created_at: expect.any(String) });
    const [row] = await stack.dataSource.query(`SELECT password_hash FROM "${stack.schema}".developers WHERE id = $1`, [developer.id]);
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(row.password_hash).not.toContain(password);
    expect(await stack.admin('GET', `/admin/portal/developers/${developer.id}`)).toEqual({ status: 200, body: developer, headers: expect.anything() });
    expect((await stack.admin('GET', '/admin/portal/developers')).body).toContainEqual(developer);
  });

  it('refuses a taken email (any spelling) with conflict, which the pages answer like a new one; a weak password or bad email with every problem named', async () => {
    await expect(developers.signUp(email('ADA'), 'another good password')).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'email' }] });
    // What the pages ask: the same answer as for a new email, after the same scrypt (a lookup alone takes about a millisecond).
    const started = performance.now();
    expect(await developers.signUpQuietly(email('ADA'), 'another good password')).toBe('active');
    expect(performance.now() - started).toBeGreaterThan(15);
    expect(await developers.signUpQuietly(email('fresh'), 'another good password')).toBe('active');
    await expect(developers.signUpQuietly(email('ada'), 'short')).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'password' }] });
    await expect(developers.signUp('not an email', 'short')).rejects.toMatchObject({
      code: 'validation_failed',
      details: [
        { field: 'email', message: 'must be an email address' },
        { field: 'password', message: 'must be at least 10 characters' },
      ],
    });
    await expect(developers.signUp(email('bob'), undefined)).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ field: 'password', message: 'is required' }],
    });
    expect(await listed(email('bob'))).toBeUndefined();
  });

  it('logs in with the right password only; an unknown email costs a real scrypt too', async () => {
    const ada = (await listed(email('ada')))!;
    expect(await logIn(email('ADA'), password)).toEqual({ developer: ada });
    expect(await logIn(email('ada'), `${password}!`)).toEqual(wrong);
    expect(await logIn(email('ada'), '')).toEqual(wrong);
    expect(await logIn(email('nobody'), password)).toEqual(wrong);
    // A lookup that found nothing takes about a millisecond; scrypt at N=2^15 tens of them. The
    // fastest of three tries is each path's own cost (load only adds time); 0.4 is the margin.
    const wrongPassword = await fastestRun(3, () => developers.withPassword(email('ada'), `${password}!`));
    const unknownEmail = await fastestRun(3, () => developers.withPassword(email('nobody'), password));
    expect(unknownEmail).toBeGreaterThan(wrongPassword * 0.4);
    expect(await developers.withPassword(email('ada'), password)).toEqual(ada);
    expect(await developers.withPassword(email('ada'), `${password}!`)).toBeNull();
    expect(await developers.withPassword(email('nobody'), password)).toBeNull();
  });

  it('login throttle: five wrong passwords lock the account for 15 minutes (known email or not, right password or not); a right password clears the count, the lock running out or a reset ends it', async () => {
    const logins = stack.service(DeveloperLogins);
    const failures = `"${stack.schema}".portal_login_failures`;
    const hashOf = (address: string) => createHash('sha256').update(address).digest('hex');
    const guessed = await developers.signUp(email('guessed'), password);
    const guessFourTimes = async (address: string) => {
      for (let i = 0; i < 4; i += 1) expect(await logins.logIn(address, `wrong guess ${i}`)).toEqual(wrong);
    };

    await guessFourTimes(email('guessed'));
    expect(await logins.logIn(email('GUESSED'), password)).toEqual({ developer: guessed });
    expect(await stack.dataSource.query(`SELECT * FROM ${failures} WHERE account_hash = $1`, [hashOf(email('guessed'))])).toEqual([]);

    await guessFourTimes(email('guessed'));
    expect(await logins.logIn(` ${email('guessed')}`, 'wrong guess 5')).toEqual({ refused: { reason: 'throttled', retryAfterSeconds: 900 } });
    const whileLocked = await logins.logIn(email('guessed'), password);
    expect(whileLocked).toMatchObject({ refused: { reason: 'throttled' } });
    // Of the 900 s lock, what is left: 10 s is the margin for the calls since it was set.
    expect((whileLocked as { refused: { retryAfterSeconds: number } }).refused.retryAfterSeconds).toBeGreaterThan(890);
    const [row] = await stack.dataSource.query(`SELECT * FROM ${failures} WHERE account_hash = $1`, [hashOf(email('guessed'))]);
    expect(row).toMatchObject({ failures: 5 });
    expect(JSON.stringify(row)).not.toContain('guessed');

    // An email nobody has locks alike, or the throttle would tell which emails exist.
    await guessFourTimes(email('nobody-at-all'));
    expect(await logins.logIn(email('nobody-at-all'), 'wrong guess 5')).toMatchObject({ refused: { reason: 'throttled' } });

    // The lock running out starts the count again.
    await stack.dataSource.query(
      `UPDATE ${failures} SET locked_until = now() - interval '1 second', first_failure_at = now() - interval '16 minutes' WHERE account_hash = $1`,
      [hashOf(email('guessed'))],
    );
    expect(await logins.logIn(email('guessed'), 'wrong again')).toEqual(wrong);
    expect(await stack.dataSource.query(`SELECT failures FROM ${failures} WHERE account_hash = $1`, [hashOf(email('guessed'))])).toEqual([{ failures: 1 }]);

    // Locked again (four more make five), the admin's reset link ends it.
    for (let i = 0; i < 3; i += 1) expect(await logins.logIn(email('guessed'), `wrong again ${i}`)).toEqual(wrong);
    expect(await logins.logIn(email('guessed'), 'wrong again 3')).toMatchObject({ refused: { reason: 'throttled' } });
    expect(await logins.logIn(email('guessed'), password)).toMatchObject({ refused: { reason: 'throttled' } });
    await logins.passwordReset(guessed);
    expect(await logins.logIn(email('guessed'), password)).toEqual({ developer: guessed });
  });

  it('login throttle: guesses sent all at once are counted too; only five of them reach the password check', async () => {
    const logins = stack.service(DeveloperLogins);
    await developers.signUp(email('stormed'), password);
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => logins.logIn(email('stormed'), `parallel guess ${i}`)));
    const reasons = outcomes.map((outcome) => ('refused' in outcome ? outcome.refused.reason : 'logged-in'));
    // Attempts 1-4 were checked and wrong, the 5th checked, wrong and locking; the other 7 never checked.
    expect(reasons.filter((reason) => reason === 'wrong')).toHaveLength(4);
    expect(reasons.filter((reason) => reason === 'throttled')).toHaveLength(8);
    expect(await logins.logIn(email('stormed'), password)).toMatchObject({ refused: { reason: 'throttled' } });
  });

  it('login: only the right password learns that an account is pending or blocked', async () => {
    const logins = stack.service(DeveloperLogins);
    const approving = new DevelopersService(stack.service(DeveloperStore), stack.service(PortalSessionStore), apps, {
      ...stack.config,
      portal: { ...stack.config.portal, requireApproval: true },
    });
    await approving.signUp(email('waiting'), password);
    expect(await logins.logIn(email('waiting'), `${password}!`)).toEqual({ refused: { reason: 'wrong' } });
    expect(await logins.logIn(email('waiting'), password)).toEqual({ refused: { reason: 'pending' } });
  });

  it('by a verified email from the OpenID Provider: one account per address (made once, however many race), passwordless, pending under approval, refused when blocked', async () => {
    const logins = stack.service(DeveloperLogins);
    // Ten first sign-ins at once, in two spellings: one account.
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => logins.withVerifiedEmail(i % 2 === 0 ? email('oidc') : ` ${email('oidc').toUpperCase()}`)),
    );
    const ids = new Set(outcomes.map((outcome) => ('developer' in outcome ? outcome.developer.id : outcome.refused.reason)));
    expect(ids.size).toBe(1);
    expect(await listed(email('oidc'))).toMatchObject({ id: [...ids][0], status: 'active' });
    // No password was set: none logs in (the same answer, and the same scrypt, as an unknown email).
    expect(await developers.withPassword(email('oidc'), password)).toBeNull();
    expect(await logIn(email('oidc'), password)).toEqual(wrong);
    await expect(logins.withVerifiedEmail('not-an-email')).rejects.toMatchObject({ code: 'validation_failed' });

    const approving = new DeveloperLogins(
      new DevelopersService(stack.service(DeveloperStore), stack.service(PortalSessionStore), apps, {
        ...stack.config,
        portal: { ...stack.config.portal, requireApproval: true },
      }),
      stack.service(LoginThrottle),
    );
    expect(await approving.withVerifiedEmail(email('oidc-pending'))).toEqual({ refused: { reason: 'pending' } });
    expect((await listed(email('oidc-pending')))?.status).toBe('pending');
    const blocked = await stack.admin('POST', `/admin/portal/developers/${[...ids][0]}/block`);
    expect(blocked.status).toBe(200);
    expect(await logins.withVerifiedEmail(email('oidc'))).toEqual({ refused: { reason: 'blocked' } });
  });

  it('with PORTAL_REQUIRE_APPROVAL, a developer waits for the admin before logging in or holding credentials', async () => {
    const approving = new DevelopersService(stack.service(DeveloperStore), stack.service(PortalSessionStore), apps, {
      ...stack.config,
      portal: { ...stack.config.portal, requireApproval: true },
    });
    const pending = await approving.signUp(email('pending'), password);
    expect(pending.status).toBe('pending');
    expect(await logIn(email('pending'), password)).toEqual({ refused: { reason: 'pending' } });
    expect(await developers.withPassword(email('pending'), password)).toMatchObject({ id: pending.id, status: 'pending' });
    expect((await listed(email('pending')))?.status).toBe('pending');
    await expect(apps.create(pending.id, { entry_id: keyEntry, name: 'Early' })).rejects.toMatchObject({ code: 'access_denied' });

    const approved = await stack.admin('POST', `/admin/portal/developers/${pending.id}/approve`);
    expect(approved).toMatchObject({ status: 200, body: { id: pending.id, status: 'active' } });
    expect(await logIn(email('pending'), password)).toMatchObject({ developer: { id: pending.id, status: 'active' } });
  });

  it('blocking revokes every credential the developer holds at the auth service, and shuts them out', async () => {
    const developer = await developers.signUp(email('blocked'), password);
    const key = await apps.create(developer.id, { entry_id: keyEntry, name: 'Key app' });
    const client = await apps.create(developer.id, { entry_id: clientEntry, name: 'Client app' });
    expect(await keyFound(key.api_key!)).toBe(true);
    expect(await clientExists(client.client_id!)).toBe(true);
    expect((await stack.admin('GET', `/admin/portal/developers/${developer.id}/apps`)).body.map((app: { id: string }) => app.id)).toEqual([
      key.app.id,
      client.app.id,
    ]);

    const blocked = await stack.admin('POST', `/admin/portal/developers/${developer.id}/block`);
    expect(blocked).toMatchObject({ status: 200, body: { id: developer.id, status: 'blocked' } });
    expect(await keyFound(key.api_key!)).toBe(false);
    expect(await clientExists(client.client_id!)).toBe(false);
    expect((await stack.admin('GET', `/admin/portal/developers/${developer.id}/apps`)).body).toEqual([]);
    expect(await logIn(email('blocked'), password)).toEqual({ refused: { reason: 'blocked' } });
    await expect(apps.create(developer.id, { entry_id: keyEntry, name: 'Again' })).rejects.toMatchObject({ code: 'access_denied', status: 403 });

    // Approving lets them back in, with nothing of what they held.
    await stack.admin('POST', `/admin/portal/developers/${developer.id}/approve`);
    expect(await logIn(email('blocked'), password)).toMatchObject({ developer: { status: 'active' } });
    expect(await apps.list(developer.id)).toEqual([]);
  });

  it("blocking ends the developer's sessions at once: approving them again revives none from before the block", async () => {
    const developer = await developers.signUp(email('revived'), password);
    const sessions = `"${stack.schema}".portal_sessions`;
    await stack.dataSource.query(`INSERT INTO ${sessions} (id_hash, developer_id, created_at, expires_at) VALUES ($1, $2, now(), now() + interval '1 hour')`, [
      `revived-${tag}`,
      developer.id,
    ]);
    expect((await stack.admin('POST', `/admin/portal/developers/${developer.id}/block`)).status).toBe(200);
    expect((await stack.admin('POST', `/admin/portal/developers/${developer.id}/approve`)).status).toBe(200);
    expect(await stack.dataSource.query(`SELECT id_hash FROM ${sessions} WHERE developer_id = $1`, [developer.id])).toEqual([]);
  });

  it('a block while the auth service is down: the developer is blocked, the apps kept; blocking again finishes', async () => {
    const developer = await developers.signUp(email('retry'), password);
    const key = await apps.create(developer.id, { entry_id: keyEntry, name: 'Key app' });
    await stack.stopAuth();
    try {
      const answer = await stack.admin('POST', `/admin/portal/developers/${developer.id}/block`);
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: 'service_unavailable', message: expect.stringContaining('1 of 1 apps could not be revoked') });
      expect((await developers.get(developer.id)).status).toBe('blocked');
      expect(await logIn(email('retry'), password)).toEqual({ refused: { reason: 'blocked' } });
      expect((await apps.list(developer.id)).map((app) => app.id)).toEqual([key.app.id]);
    } finally {
      await stack.restartAuth();
    }
    expect(await keyFound(key.api_key!)).toBe(true);
    expect((await stack.admin('POST', `/admin/portal/developers/${developer.id}/block`)).status).toBe(200);
    expect(await keyFound(key.api_key!)).toBe(false);
    expect(await apps.list(developer.id)).toEqual([]);
  });

  it('deleting a developer revokes their credentials first; the email is free again', async () => {
    const developer = await developers.signUp(email('gone'), password);
    const client = await apps.create(developer.id, { entry_id: clientEntry, name: 'Client app' });
    expect(await stack.admin('DELETE', `/admin/portal/developers/${developer.id}`)).toMatchObject({ status: 204 });
    expect(await clientExists(client.client_id!)).toBe(false);
    expect(await stack.admin('GET', `/admin/portal/developers/${developer.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await stack.admin('DELETE', `/admin/portal/developers/${developer.id}`)).toMatchObject({ status: 404 });
    expect((await developers.signUp(email('gone'), password)).id).not.toBe(developer.id);
  });

  it('answers 404 for developer ids that name nobody, UUID or not', async () => {
    for (const id of [randomUUID(), 'nope']) {
      for (const [method, path] of [
        ['GET', ''],
        ['GET', '/apps'],
        ['POST', '/approve'],
        ['POST', '/block'],
        ['POST', '/reset-link'],
        ['DELETE', ''],
      ] as const) {
        expect((await stack.admin(method, `/admin/portal/developers/${id}${path}`)).status, `${method} ${path} for ${id}`).toBe(404);
      }
    }
  });

  it('resets a password through a single-use admin-issued link (only its hash stored, one hour, the latest link only)', async () => {
    const developer: Developer = await developers.signUp(email('forgetful'), password);
    const first = await stack.admin('POST', `/admin/portal/developers/${developer.id}/reset-link`);
    expect(first.status).toBe(201);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body.url).toMatch(/^https:\/\/portal\.example\.test\/portal\/reset\/[\w-]{43}$/);
    const lifetime = Date.parse(first.body.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(59 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60_000);
    const firstToken = first.body.url.split('/').pop() as string;

    const second = await stack.admin('POST', `/admin/portal/developers/${developer.id}/reset-link`);
    const token = second.body.url.split('/').pop() as string;
    const stored = await stack.dataSource.query(`SELECT token_hash FROM "${stack.schema}".developer_password_resets WHERE developer_id = $1`, [developer.id]);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect(await developers.resetLinkValid(firstToken)).toBe(false);
    await expect(developers.resetPassword(firstToken, 'a brand new password')).rejects.toMatchObject({ code: 'not_found' });
    // A weak new password is refused without spending the link.
    await expect(developers.resetPassword(token, 'short')).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'password' }] });
    expect(await developers.resetLinkValid(token)).toBe(true);

    const sessions = `"${stack.schema}".portal_sessions`;
    await stack.dataSource.query(`INSERT INTO ${sessions} (id_hash, developer_id, created_at, expires_at) VALUES ($1, $2, now(), now() + interval '1 hour')`, [
      `session-${tag}`,
      developer.id,
    ]);
    expect(await developers.resetPassword(token, 'a brand new password')).toEqual(developer);
    expect(await stack.dataSource.query(`SELECT id_hash FROM ${sessions} WHERE developer_id = $1`, [developer.id])).toEqual([]);
    expect(await logIn(email('forgetful'), 'a brand new password')).toEqual({ developer });
    expect(await logIn(email('forgetful'), password)).toEqual(wrong);
    await expect(developers.resetPassword(token, 'yet another password')).rejects.toMatchObject({ code: 'not_found' });

    const third = await developers.createResetLink(developer.id);
    const expiring = third.url.split('/').pop()!;
    await stack.dataSource.query(`UPDATE "${stack.schema}".developer_password_resets SET expires_at = now() - interval '1 second' WHERE developer_id = $1`, [
      developer.id,
    ]);
    expect(await developers.resetLinkValid(expiring)).toBe(false);
    await expect(developers.resetPassword(expiring, 'yet another password')).rejects.toMatchObject({ code: 'not_found' });
    expect(await logIn(email('forgetful'), 'a brand new password')).toEqual({ developer });
  });
});
