import type { IpRule } from '@portcullis/domain';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** A node:net BlockList of rules (it matches IPv4-mapped IPv6 addresses against IPv4 rules and back). */
export function blockListOf(rules: readonly IpRule[]): BlockList {
  const list = new BlockList();
  for (const rule of rules) list.addSubnet(rule.address, rule.prefix, rule.family);
  return list;
}

/** Whether `list` holds `address`, a valid IPv4 or IPv6 address. */
export function listed(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Who the client is, for the IP lists. The socket's address, unless it is one of the trusted
 * proxies (TRUSTED_PROXIES; none by default, so headers a client sends are never believed). Behind a
 * trusted proxy: the rightmost X-Forwarded-For hop that is not itself trusted (every trusted proxy
 * appends the address it saw, so hops left of that one are the client's own claims), else X-Real-IP.
 */
export class ClientAddress {
  private readonly trusted: BlockList | null;

  constructor(trustedProxies: readonly IpRule[]) {
    this.trusted = trustedProxies.length === 0 ? null : blockListOf(trustedProxies);
  }

  /** The client's address, or null when the socket has none left (it closed). */
  of(req: IncomingMessage): string | null {
    const socket = req.socket.remoteAddress;
    if (socket === undefined) return null;
    const trusted = this.trusted;
    if (trusted === null || !listed(trusted, socket)) return socket;
    const forwarded = headerValues(req.rawHeaders, 'x-forwarded-for');
    if (forwarded !== null) {
      let client = socket;
      const hops = forwarded.split(',');
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = bareAddress(hops[i]!);
        // Not an address: nothing further left can be believed; the last believable hop stands.
        if (hop === null) break;
        client = hop;
        if (!listed(trusted, hop)) break;
      }
      return client;
    }
    const real = headerValues(req.rawHeaders, 'x-real-ip');
    return real !== null ? (bareAddress(real) ?? socket) : socket;
  }
}

/** Every value of a header, joined with commas as RFC 9110 §5.3 combines them; null when absent. */
function headerValues(raw: readonly string[], lowerName: string): string | null {
  let joined: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) joined = joined === null ? raw[i + 1]! : `${joined},${raw[i + 1]!}`;
  }
  return joined;
}

/** `1.2.3.4`, `1.2.3.4:80`, `::1`, `[::1]`, `[::1]:80` to the bare address; null if not an address. */
function bareAddress(text: string): string | null {
  let value = text.trim();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    value = end === -1 ? '' : value.slice(1, end);
  } else if (value.indexOf(':') !== -1 && value.indexOf(':') === value.lastIndexOf(':')) {
    value = value.slice(0, value.indexOf(':'));
  }
  return isIP(value) === 0 ? null : value;
}
