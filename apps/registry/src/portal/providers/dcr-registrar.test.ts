import { PortcullisError } from '@portcullis/errors';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DcrRegistrar, type ExternalRegistration } from './dcr-registrar.js';
import type { ProvidersService, ProviderForRegistration } from './providers.service.js';

/** A bare HTTP server: records what reached it, answers with `answer`. */
async function listen(answer: (req: IncomingMessage) => { status: number; body: unknown }) {
  const hits: { method: string; url: string; authorization: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    req.resume().on('end', () => {
      const { status, body } = answer(req);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, hits, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const PROVIDER_ID = '00000000-0000-4000-8000-000000000001';

describe('DcrRegistrar: where the registration access token may be sent', () => {
  let provider: Awaited<ReturnType<typeof listen>>;
  let elsewhere: Awaited<ReturnType<typeof listen>>;
  let registrar: DcrRegistrar;
  /** What the fake provider's registration endpoint answers next. */
  let registrationAnswer: Record<string, unknown>;

  beforeAll(async () => {
    provider = await listen((req) => (req.method === 'POST' ? { status: 201, body: registrationAnswer } : { status: 200, body: registrationAnswer }));
    elsewhere = await listen(() => ({ status: 204, body: {} }));
    const settings: ProviderForRegistration = {
      id: PROVIDER_ID,
      issuer: provider.origin,
      registration_endpoint: `${provider.origin}/reg`,
      token_endpoint: `${provider.origin}/token`,
      initial_access_token: 'initial-token',
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: null,
    };
    registrar = new DcrRegistrar({ forRegistration: async () => settings } as unknown as ProvidersService);
  });

  afterAll(() => {
    for (const { server } of [provider, elsewhere]) {
      server.closeAllConnections();
      server.close();
    }
  });

  beforeEach(() => {
    provider.hits.length = 0;
    elsewhere.hits.length = 0;
  });

  it('keeps a registration whose client URI is on the provider’s host', async () => {
    registrationAnswer = { client_id: 'c1', client_secret: 's1', registration_access_token: 'rat-1', registration_client_uri: `${provider.origin}/reg/c1` };
    const registration = await registrar.register(PROVIDER_ID, { client_name: 'App' });
    expect(registration.registration_client_uri).toBe(`${provider.origin}/reg/c1`);
    await registrar.remove(registration);
    expect(provider.hits.map((hit) => `${hit.method} ${hit.url}`)).toEqual(['POST /reg', 'DELETE /reg/c1']);
  });

  it('refuses a registration whose client URI names another host, or is not absolute: nothing is ever sent there', async () => {
    for (const uri of [`${elsewhere.origin}/reg/c2`, `${provider.origin}@127.0.0.2/reg/c2`, '/reg/c2', 'file:///etc/passwd']) {
      registrationAnswer = { client_id: 'c2', client_secret: 's2', registration_access_token: 'rat-2', registration_client_uri: uri };
      const error = await registrar.register(PROVIDER_ID, { client_name: 'App' }).catch((e: unknown) => e);
      expect(error, uri).toBeInstanceOf(PortcullisError);
      expect((error as PortcullisError).code).toBe('provider_unavailable');
    }
    expect(elsewhere.hits).toEqual([]);
  });

  it('refuses a registration access token that is empty or could not be sent as a bearer token', async () => {
    for (const token of ['', 'rat\r\nx-injected: 1', 'rat with spaces']) {
      registrationAnswer = { client_id: 'c4', client_secret: 's4', registration_access_token: token, registration_client_uri: `${provider.origin}/reg/c4` };
      const error = await registrar.register(PROVIDER_ID, { client_name: 'App' }).catch((e: unknown) => e);
      expect((error as PortcullisError).code, JSON.stringify(token)).toBe('provider_unavailable');
    }
  });

  it("warns the operator of a client left at the provider: the provider's fault, not this service's error", async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const error = vi.spyOn(Logger.prototype, 'error');
    try {
      registrationAnswer = { client_id: 'c5', client_secret: 's5' };
      await registrar.register(PROVIDER_ID, { client_name: 'App' }).catch(() => undefined);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/registered client c5 without .* must be deleted there by hand/));
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it('refuses an update whose answer moves the client URI to another host', async () => {
    const stored: ExternalRegistration = {
      provider_id: PROVIDER_ID,
      issuer: provider.origin,
      client_id: 'c3',
      registration_access_token: 'rat-3',
      registration_client_uri: `${provider.origin}/reg/c3`,
      token_endpoint: `${provider.origin}/token`,
    };
    registrationAnswer = { client_id: 'c3', registration_access_token: 'rat-4', registration_client_uri: `${elsewhere.origin}/reg/c3` };
    const error = await registrar.update(stored, { client_name: 'Renamed' }).catch((e: unknown) => e);
    expect((error as PortcullisError).code).toBe('provider_unavailable');
    expect(elsewhere.hits).toEqual([]);
  });
});
