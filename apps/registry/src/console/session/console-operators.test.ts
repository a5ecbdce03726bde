import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import type { RegistryConfig } from '../../config.js';
import { CONSOLE_SESSION_COOKIE, ConsoleOperators } from './console-operators.js';
import type { ConsoleSession, ConsoleSessions, Operator } from './console-sessions.js';

/** Sessions kept in a Map: what ConsoleOperators decides, without the table. */
class SessionsInMemory {
  readonly rows = new Map<string, Operator>();
  private next = 0;

  start(operator: Operator): Promise<{ id: string; session: ConsoleSession }> {
    const id = `${String(this.next++).padStart(43, 'a')}`;
    this.rows.set(id, operator);
    return Promise.resolve({ id, session: { idHash: `hash-${id}`, operator } });
  }

  find(id: string | undefined): Promise<ConsoleSession | null> {
    const operator = id === undefined ? undefined : this.rows.get(id);
    return Promise.resolve(operator ? { idHash: `hash-${id}`, operator } : null);
  }

  end(session: ConsoleSession): Promise<void> {
    this.rows.delete(session.idHash.slice('hash-'.length));
    return Promise.resolve();
  }
}

const config = (adminSecret: string, operators: string[] | null) =>
  ({
    adminSecret,
    portal: { cookieSecure: false },
    console: { oidc: operators ? { operators } : null },
  }) as unknown as RegistryConfig;

function response(): Response & { cookies: string[] } {
  const cookies: string[] = [];
  return { cookies, append: (_name: string, value: string) => cookies.push(value) } as unknown as Response & { cookies: string[] };
}

const request = (cookie: string) => ({ headers: { cookie } }) as unknown as Request;

async function signedInCookie(operators: ConsoleOperators, operator: Operator): Promise<string> {
  const res = response();
  await operators.signIn(res, await operators.identify(request(''), response()), operator);
  const session = res.cookies.find((line) => line.startsWith(`${CONSOLE_SESSION_COOKIE}=`))!;
  return session.split(';')[0]!;
}

describe('ConsoleOperators', () => {
  it('keeps an admin-secret session while the secret is the same, and ends it once the secret changed', async () => {
    const sessions = new SessionsInMemory();
    const before = new ConsoleOperators(sessions as unknown as ConsoleSessions, config('the first admin secret', null));
    const cookie = await signedInCookie(before, before.adminSecretHolder);
    expect((await before.identify(request(cookie), response())).operator?.name).toBe('admin secret holder');

    const same = new ConsoleOperators(sessions as unknown as ConsoleSessions, config('the first admin secret', null));
    expect((await same.identify(request(cookie), response())).operator).not.toBeNull();

    const rotated = new ConsoleOperators(sessions as unknown as ConsoleSessions, config('the second admin secret', null));
    const res = response();
    expect((await rotated.identify(request(cookie), res)).operator).toBeNull();
    expect(sessions.rows.size).toBe(0);
    expect(res.cookies.some((line) => line.startsWith(`${CONSOLE_SESSION_COOKIE}=;`))).toBe(true);
  });

  it('records no more of the admin secret than a slow fingerprint', () => {
    const operators = new ConsoleOperators(new SessionsInMemory() as unknown as ConsoleSessions, config('the first admin secret', null));
    expect(operators.adminSecretHolder.id).toMatch(/^admin-secret:[A-Za-z0-9_-]{22}$/);
    expect(operators.adminSecretHolder.id).not.toContain('first');
  });

  it('lets in only listed emails, and ends a session whose email was taken off the list', async () => {
    const sessions = new SessionsInMemory();
    const listed = new ConsoleOperators(sessions as unknown as ConsoleSessions, config('an admin secret here', ['ada@example.com']));
    expect(listed.operatorSignedInAs({ subject: 's1', email: 'Mallory@example.com' } as never)).toBeNull();
    const ada = listed.operatorSignedInAs({ subject: 's2', email: 'Ada@Example.com' } as never)!;
    expect(ada).toEqual({ id: 'oidc:s2', name: 'Ada@Example.com' });
    const cookie = await signedInCookie(listed, ada);
    expect((await listed.identify(request(cookie), response())).operator?.id).toBe('oidc:s2');

    const unlisted = new ConsoleOperators(sessions as unknown as ConsoleSessions, config('an admin secret here', ['grace@example.com']));
    expect((await unlisted.identify(request(cookie), response())).operator).toBeNull();
    expect(sessions.rows.size).toBe(0);
  });
});
