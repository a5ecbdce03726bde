import type { IpRule } from '@portcullis/domain';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** The most verdicts an AddressList remembers; past that it forgets them all and starts again. */
export const REMEMBERED_ADDRESSES = 10_000;

/**
 * IP rules as a node:net BlockList (it matches IPv4-mapped IPv6 addresses against IPv4 rules and
 * back), with each address's verdict remembered: BlockList.check builds a native SocketAddress per
 * call, which was most of an IP-listed API's per-request cost, while a gateway sees the same few
 * client addresses again and again (keep-alive connections, NAT, its own proxies). The verdict is a
 * function of the address string and of rules that never change (a new definition compiles a new
 * list), so remembering it is exact. Bounded, so that many distinct addresses cost memory no longer
 * than one cycle; a flood of them only brings back the uncached cost.
 */
export class AddressList {
  private readonly list = new BlockList();
  private readonly verdicts = new Map<string, boolean>();

  constructor(rules: readonly IpRule[]) {
    for (const rule of rules) this.list.addSubnet(rule.address, rule.prefix, rule.family);
  }

  /** Whether `address`, a valid IPv4 or IPv6 address, is in the list. */
  has(address: string): boolean {
    const known = this.verdicts.get(address);
    if (known !== undefined) return known;
    const verdict = this.list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
    if (this.verdicts.size >= REMEMBERED_ADDRESSES) this.verdicts.clear();
    this.verdicts.set(address, verdict);
    return verdict;
  }

  /** How many verdicts are remembered (for tests). */
  get remembered(): number {
    return this.verdicts.size;
  }
}

/**
 * Who the client is, for the IP lists. The socket's address, unless it is one of the trusted
 * proxies (TRUSTED_PROXIES; none by default, so headers a client sends are never believed). Behind a
 * trusted proxy: the rightmost X-Forwarded-For hop that is not itself trusted (every trusted proxy
 * appends the address it saw, so hops left of that one are the client's own claims), else X-Real-IP.
 */
export class ClientAddress {
  private readonly trusted: AddressList | null;

  constructor(trustedProxies: readonly IpRule[]) {
    this.trusted = trustedProxies.length === 0 ? null : new AddressList(trustedProxies);
  }

  /** The client's address, or null when the socket has none left (it closed). */
  of(req: IncomingMessage): string | null {
    const socket = req.socket.remoteAddress;
    if (socket === undefined) return null;
    const trusted = this.trusted;
    if (trusted === null || !trusted.has(socket)) return socket;
    const forwarded = headerValues(req.rawHeaders, 'x-forwarded-for');
    if (forwarded !== null) {
      let client = socket;
      const hops = forwarded.split(',');
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = bareAddress(hops[i]!);
        // Not an address: nothing further left can be believed; the last believable hop stands.
        if (hop === null) break;
        client = hop;
        if (!trusted.has(hop)) break;
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
