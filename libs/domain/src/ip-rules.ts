import { isIP } from 'node:net';

/** One entry of an IP list: a single address or a CIDR network, IPv4 or IPv6. */
export interface IpRule {
  readonly address: string;
  /** The prefix length; a single address is a full-length prefix (32 or 128). */
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/**
 * Parses `10.0.0.1`, `10.0.0.0/8`, `::1`, `2001:db8::/32` (as Tyk's `allowed_ips`, `blacklisted_ips`
 * take them, and TRUSTED_PROXIES), or null for anything else: no host names, no whitespace, no zone
 * ids, no prefix beyond the family's length. The one parser for every IP list, so a rule means the
 * same wherever it is written.
 */
export function parseIpRule(text: string): IpRule | null {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  if (address.includes('%')) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const bits = version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const digits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(digits)) return null;
    prefix = Number(digits);
    if (prefix > bits) return null;
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
