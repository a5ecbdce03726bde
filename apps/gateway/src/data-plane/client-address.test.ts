import { parseIpRule } from '@portcullis/domain';
import type { IncomingMessage } from 'node:http';
import { BlockList } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AddressList, ClientAddress, REMEMBERED_ADDRESSES } from './client-address.js';

const rules = (...entries: string[]) => entries.map((entry) => parseIpRule(entry)!);
const request = (remoteAddress: string | undefined, headers: [string, string][] = []) =>
  ({ socket: { remoteAddress }, rawHeaders: headers.flat() }) as unknown as IncomingMessage;

describe('the client address for IP lists', () => {
  it("is the socket's when no proxy is trusted (the default): forwarding headers are never believed", () => {
    const none = new ClientAddress([]);
    expect(
      none.of(
        request('127.0.0.1', [
          ['X-Forwarded-For', '10.9.9.9'],
          ['X-Real-IP', '10.9.9.9'],
        ]),
      ),
    ).toBe('127.0.0.1');
    expect(none.of(request('::ffff:127.0.0.1'))).toBe('::ffff:127.0.0.1');
    expect(none.of(request(undefined))).toBeNull();
  });

  it("is the socket's when the socket is not a trusted proxy", () => {
    const trusting = new ClientAddress(rules('10.0.0.0/8'));
    expect(trusting.of(request('192.0.2.7', [['X-Forwarded-For', '10.9.9.9']]))).toBe('192.0.2.7');
  });

  it('behind a trusted proxy: the rightmost X-Forwarded-For hop that is not itself trusted', () => {
    const trusting = new ClientAddress(rules('10.0.0.0/8', '::1'));
    // The client claimed 1.1.1.1; the proxies appended what they saw: 198.51.100.4, then 10.0.0.2.
    const hops = '1.1.1.1, 198.51.100.4, 10.0.0.2';
    expect(trusting.of(request('10.0.0.3', [['x-forwarded-for', hops]]))).toBe('198.51.100.4');
    // Several headers are one list, in order (RFC 9110 §5.3).
    expect(
      trusting.of(
        request('10.0.0.3', [
          ['X-Forwarded-For', '1.1.1.1'],
          ['X-Forwarded-For', '198.51.100.4, 10.0.0.2'],
        ]),
      ),
    ).toBe('198.51.100.4');
    // An IPv4-mapped socket address is the IPv4 proxy it stands for.
    expect(trusting.of(request('::ffff:10.0.0.3', [['X-Forwarded-For', '2001:db8::1']]))).toBe('2001:db8::1');
    expect(trusting.of(request('::1', [['X-Forwarded-For', '[2001:db8::2]:4711, 203.0.113.9:80']]))).toBe('203.0.113.9');
    // Every hop trusted: the leftmost is the client.
    expect(trusting.of(request('10.0.0.3', [['X-Forwarded-For', '10.1.1.1, 10.2.2.2']]))).toBe('10.1.1.1');
    // A hop that is no address stops the walk: the last believable hop stands.
    expect(trusting.of(request('10.0.0.3', [['X-Forwarded-For', 'evil, 10.0.0.5']]))).toBe('10.0.0.5');
    expect(trusting.of(request('10.0.0.3', [['X-Forwarded-For', 'evil']]))).toBe('10.0.0.3');
  });

  it('behind a trusted proxy without X-Forwarded-For: X-Real-IP, if it is an address', () => {
    const trusting = new ClientAddress(rules('127.0.0.1'));
    expect(trusting.of(request('127.0.0.1', [['X-Real-IP', '203.0.113.5']]))).toBe('203.0.113.5');
    expect(trusting.of(request('127.0.0.1', [['X-Real-IP', 'somewhere']]))).toBe('127.0.0.1');
    expect(trusting.of(request('127.0.0.1'))).toBe('127.0.0.1');
  });
});

describe('an address list', () => {
  afterEach(() => vi.restoreAllMocks());

  it('matches addresses and networks of both families, IPv4-mapped addresses against IPv4 rules', () => {
    const list = new AddressList(rules('127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32'));
    for (const inside of ['127.0.0.1', '::ffff:127.0.0.1', '10.200.3.4', '::1', '2001:db8::9']) expect(list.has(inside), inside).toBe(true);
    for (const outside of ['127.0.0.2', '11.0.0.1', '::2', '2001:db9::1']) expect(list.has(outside), outside).toBe(false);
  });

  it('asks the BlockList once per address: the same verdict after, at the price of a Map lookup', () => {
    const check = vi.spyOn(BlockList.prototype, 'check');
    const list = new AddressList(rules('127.0.0.1'));
    for (let i = 0; i < 5; i++) {
      expect(list.has('127.0.0.1')).toBe(true);
      expect(list.has('192.0.2.1')).toBe(false);
    }
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('remembers a bounded number of verdicts, and still answers right past the bound', () => {
    const list = new AddressList(rules('10.0.0.0/8'));
    for (let i = 0; i < REMEMBERED_ADDRESSES + 10; i++) {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      expect(list.has(address)).toBe(true);
      expect(list.remembered).toBeLessThanOrEqual(REMEMBERED_ADDRESSES);
    }
    expect(list.has('192.0.2.1')).toBe(false);
  });
});
