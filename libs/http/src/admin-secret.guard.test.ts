import { Controller, Get, Module, Post, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminSecretGuard, requireAdminSecret } from './admin-secret.guard.js';
import { ErrorFilter } from './error.filter.js';
import { listeningUrl } from './listening-url.js';

const secret = 'the-admin-secret-' + 'x'.repeat(24);
/** How many times a guarded handler ran: a refused request must leave it at zero. */
const ran = { bearer: 0, tyk: 0, behindMiddleware: 0, publicDocs: 0 };

class BearerGuard extends AdminSecretGuard {
  constructor() {
    super(secret, 'bearer');
  }
}
class TykGuard extends AdminSecretGuard {
  constructor() {
    super(secret, 'x-tyk-authorization');
  }
}

@Controller('guarded')
@UseGuards(BearerGuard)
class BearerController {
  @Post()
  write(): { ok: true } {
    ran.bearer++;
    return { ok: true };
  }
}

@Controller('tyk-guarded')
@UseGuards(TykGuard)
class TykController {
  @Get()
  read(): { ok: true } {
    ran.tyk++;
    return { ok: true };
  }
}

/** Behind the middleware only (no guard): what the middleware lets through runs. */
@Controller('admin')
class MiddlewareController {
  @Post('things')
  write(): { ok: true } {
    ran.behindMiddleware++;
    return { ok: true };
  }

  @Get('docs/page')
  docs(): { ok: true } {
    ran.publicDocs++;
    return { ok: true };
  }

  @Get('docsy')
  notDocs(): { ok: true } {
    ran.behindMiddleware++;
    return { ok: true };
  }
}

@Module({ controllers: [BearerController, TykController, MiddlewareController], providers: [BearerGuard, TykGuard] })
class GuardedModule {}

/**
 * The admin-secret check on its own, as both of its forms (the Nest guard every admin controller
 * carries, and the middleware mounted ahead of body parsing) are used: a real Nest app over HTTP.
 */
describe('admin secret guard', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create(GuardedModule, { logger: false, bodyParser: false });
    app.use('/admin', requireAdminSecret(secret, 'bearer', { publicPaths: ['/docs'] }));
    app.useGlobalFilters(new ErrorFilter());
    await app.listen(0, '127.0.0.1');
    url = listeningUrl(app.getHttpServer().address(), '127.0.0.1');
  });

  afterAll(() => app?.close());

  beforeEach(() => {
    for (const key of Object.keys(ran) as (keyof typeof ran)[]) ran[key] = 0;
  });

  async function call(method: string, path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${url}${path}`, { method, headers });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  const refused = { status: 401, body: { error: 'unauthorized', message: 'A valid admin secret is required' } };

  /** Every way of not presenting the secret in the Bearer scheme. */
  const notBearer: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['an empty Authorization header', { authorization: '' }],
    ['Bearer with nothing after it', { authorization: 'Bearer ' }],
    ['a wrong secret', { authorization: `Bearer ${secret}x` }],
    ['a prefix of the secret', { authorization: `Bearer ${secret.slice(0, -1)}` }],
    ['the secret in another case', { authorization: `Bearer ${secret.toUpperCase()}` }],
    ['the secret without the Bearer scheme', { authorization: secret }],
    ['the secret as Basic credentials', { authorization: `Basic ${secret}` }],
    ['the secret followed by another token', { authorization: `Bearer ${secret} ${secret}` }],
    ['the secret in the Tyk header', { 'x-tyk-authorization': secret }],
  ];

  describe('as a Nest guard, Bearer scheme', () => {
    it.each(notBearer)('refuses %s with 401 unauthorized, and the handler does not run', async (_case, headers) => {
      expect(await call('POST', '/guarded', headers)).toEqual(refused);
      expect(ran.bearer).toBe(0);
    });

    it('lets the exact secret through (the scheme name in any case, RFC 9110 §11.1)', async () => {
      expect(await call('POST', '/guarded', { authorization: `Bearer ${secret}` })).toEqual({ status: 201, body: { ok: true } });
      expect(await call('POST', '/guarded', { authorization: `bearer ${secret}` })).toEqual({ status: 201, body: { ok: true } });
      expect(ran.bearer).toBe(2);
    });
  });

  describe('as a Nest guard, x-tyk-authorization scheme', () => {
    it.each([
      ['no header', {}],
      ['an empty header', { 'x-tyk-authorization': '' }],
      ['a wrong secret', { 'x-tyk-authorization': `${secret}x` }],
      ['the secret with a Bearer prefix', { 'x-tyk-authorization': `Bearer ${secret}` }],
      ['the secret as a Bearer Authorization header', { authorization: `Bearer ${secret}` }],
    ] as [string, Record<string, string>][])('refuses %s with 401 unauthorized, and the handler does not run', async (_case, headers) => {
      expect(await call('GET', '/tyk-guarded', headers)).toEqual(refused);
      expect(ran.tyk).toBe(0);
    });

    it('lets the exact secret through', async () => {
      expect(await call('GET', '/tyk-guarded', { 'x-tyk-authorization': secret })).toEqual({ status: 200, body: { ok: true } });
      expect(ran.tyk).toBe(1);
    });
  });

  describe('as middleware ahead of the body parsers', () => {
    it.each(notBearer)('refuses %s with 401 unauthorized, and nothing behind it runs', async (_case, headers) => {
      expect(await call('POST', '/admin/things', headers)).toEqual(refused);
      expect(ran.behindMiddleware).toBe(0);
    });

    it('does not read the body of a refused request', async () => {
      const response = await fetch(`${url}/admin/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"unfinished": ' });
      expect({ status: response.status, body: await response.json() }).toEqual(refused);
    });

    it('lets the exact secret through', async () => {
      expect(await call('POST', '/admin/things', { authorization: `Bearer ${secret}` })).toEqual({ status: 201, body: { ok: true } });
      expect(ran.behindMiddleware).toBe(1);
    });

    it('leaves a public path open, and only that path and what is below it', async () => {
      expect(await call('GET', '/admin/docs/page')).toEqual({ status: 200, body: { ok: true } });
      expect(ran.publicDocs).toBe(1);
      expect(await call('GET', '/admin/docsy')).toEqual(refused);
      expect(ran.behindMiddleware).toBe(0);
    });
  });
});
