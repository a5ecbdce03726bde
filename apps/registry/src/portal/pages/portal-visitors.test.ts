import { PortcullisError } from '@portcullis/errors';
import type { Request, Response } from 'express';
import { describe, expect, it, vi } from 'vitest';
import type { RegistryConfig } from '../../config.js';
import type { DevelopersService } from '../developers/developers.service.js';
import type { PortalSessions } from './portal-sessions.js';
import { PortalVisitors } from './portal-visitors.js';

const SESSION_ID = 'a'.repeat(43);

function visitorsWith(lookup: () => Promise<unknown>) {
  const sessions = { find: vi.fn(async () => ({ idHash: 'h', developerId: 'd-1' })), endAllFor: vi.fn(async () => undefined) };
  const developers = { get: vi.fn(lookup) };
  const config = { adminSecret: 's'.repeat(32), portal: { cookieSecure: false } } as unknown as RegistryConfig;
  const visitors = new PortalVisitors(sessions as unknown as PortalSessions, developers as unknown as DevelopersService, config);
  const req = { headers: { cookie: `portal_session=${SESSION_ID}` } } as unknown as Request;
  const res = { append: vi.fn(), setHeader: vi.fn(), getHeader: vi.fn() } as unknown as Response;
  return { visitors, sessions, req, res };
}

describe('PortalVisitors.identify', () => {
  it('keeps the session when the developer lookup fails for another reason than "no such developer" (a database blip is a 500, not a logout)', async () => {
    const { visitors, sessions, req, res } = visitorsWith(() => Promise.reject(new Error('connection terminated')));
    await expect(visitors.identify(req, res)).rejects.toThrow('connection terminated');
    expect(sessions.endAllFor).not.toHaveBeenCalled();
  });

  it('ends the sessions of a developer who no longer exists', async () => {
    const { visitors, sessions, req, res } = visitorsWith(() => Promise.reject(new PortcullisError('not_found')));
    const visitor = await visitors.identify(req, res);
    expect(visitor.developer).toBeNull();
    expect(sessions.endAllFor).toHaveBeenCalledWith('d-1');
  });
});
