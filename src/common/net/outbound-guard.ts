import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, fetch as undiciFetch, type RequestInit as UndiciRequestInit, type Response as UndiciResponse } from 'undici';
import { AppError } from '../errors/app-error';

/**
 * Which addresses the service may send requests to on an admin's behalf (CRM connectors, the App Connect bridge,
 * plugins). By default only public unicast addresses: an admin account must not become a way into the network the
 * service runs in (loopback, private, link-local, cloud metadata at 169.254.169.254, ...).
 */
export interface OutboundPolicy {
  /** OUTBOUND_ALLOW_PRIVATE=true: every address is allowed (a lab, or a CRM on the same private network). */
  allowPrivate: boolean;
  /** OUTBOUND_ALLOW_HOSTS: host names (exact, case-insensitive) and addresses or CIDR ranges that are allowed anyway. */
  allowHosts: string[];
}

/** Thrown (as the cause of fetch's `TypeError: fetch failed`) when a connection would go to a refused address. */
export class OutboundBlockedError extends Error {
  readonly code = 'OUTBOUND_BLOCKED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${host} resolves to ${address}, a ${describeRange(range)} address, which outbound requests may not reach (OUTBOUND_ALLOW_PRIVATE / OUTBOUND_ALLOW_HOSTS)`);
    this.name = 'OutboundBlockedError';
  }
}

/** ipaddr.js names of ranges, said in an admin's words. */
function describeRange(range: string): string {
  const words: Record<string, string> = {
    loopback: 'loopback',
    private: 'private-network',
    linkLocal: 'link-local',
    uniqueLocal: 'private-network (unique local)',
    unspecified: 'unspecified (0.0.0.0 / ::)',
    multicast: 'multicast',
    broadcast: 'broadcast',
    carrierGradeNat: 'carrier-grade NAT',
    reserved: 'reserved',
  };
  return words[range] ?? `non-public (${range})`;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses OUTBOUND_ALLOW_HOSTS (comma or space separated); throws on an entry that is neither a host nor an address/CIDR. */
export function parseAllowHosts(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
}

/**
 * Decides and enforces where outbound requests may go. Classification is by ipaddr.js (see README: it normalises
 * every spelling, IPv4-mapped IPv6 included, and names the IANA special-purpose ranges); names are resolved with the
 * system resolver, and the connection is made to the very address that was checked (DNS rebinding cannot swap it).
 */
export class OutboundGuard {
  private readonly hosts = new Set<string>();
  private readonly cidrs: Cidr[] = [];
  private agent?: Agent;

  constructor(readonly policy: OutboundPolicy) {
    for (const entry of policy.allowHosts) {
      if (entry.includes('/')) this.cidrs.push(ipaddr.parseCIDR(entry));
      else if (ipaddr.isValid(entry.replace(/^\[|\]$/g, ''))) this.cidrs.push(hostCidr(ipaddr.parse(entry.replace(/^\[|\]$/g, ''))));
      else this.hosts.add(entry);
    }
  }

  /** The policy of an operator who allows everything (tests and tools on loopback). */
  static allowingAll(): OutboundGuard {
    return new OutboundGuard({ allowPrivate: true, allowHosts: [] });
  }

  /** The range name of `address` when it is refused, undefined when allowed. */
  refusedRange(address: string, host?: string): string | undefined {
    if (this.policy.allowPrivate) return undefined;
    if (host !== undefined && this.hosts.has(host.toLowerCase())) return undefined;
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      // process(): ::ffff:127.0.0.1 is classified as the IPv4 address it carries.
      parsed = ipaddr.process(address);
    } catch {
      return 'unparseable';
    }
    if (this.cidrs.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits))) return undefined;
    const range = parsed.range();
    return range === 'unicast' ? undefined : range;
  }

  /**
   * Save-time check of a URL an admin gives: its host (and every address it resolves to now) must be allowed.
   * Throws a 400 naming `field`. A name that does not resolve now is let through: it is checked again on each request.
   */
  async assertAllowedUrl(url: string, field: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw AppError.validation(field, `${field} must be an absolute http(s) URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw AppError.validation(field, `${field} must be an http(s) URL`);
    const host = hostOf(parsed);
    const addresses = isIP(host) ? [host] : await resolveAll(host).catch(() => [] as string[]);
    for (const address of addresses) {
      const range = this.refusedRange(address, host);
      if (range) throw AppError.validation(field, `${field}: ${new OutboundBlockedError(host, address, range).message}`);
    }
  }

  /**
   * assertAllowedUrl for every string in `value` (a connector config) that is an absolute http(s) URL without
   * templates; `root` prefixes the dot path named in the 400. Templated URLs are checked on each request.
   */
  async assertAllowedUrlsIn(value: unknown, root: string): Promise<void> {
    const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if (typeof item.value === 'string') {
        if (/^https?:\/\//i.test(item.value) && !item.value.includes('{{')) await this.assertAllowedUrl(item.value, item.path);
      } else if (item.value !== null && typeof item.value === 'object' && item.depth < 64) {
        for (const [key, child] of Object.entries(item.value)) stack.push({ value: child, path: `${item.path}.${key}`, depth: item.depth + 1 });
      }
    }
  }

  /** The dispatcher every guarded request goes through: it checks and pins the address of each connection, redirects included. */
  dispatcher(): Agent {
    this.agent ??= new Agent({ connect: this.connector(), headersTimeout: 30_000, bodyTimeout: 30_000 });
    return this.agent;
  }

  /** fetch through dispatcher(); the answer is undici's Response. */
  fetch(url: string | URL, init: UndiciRequestInit = {}): Promise<UndiciResponse> {
    return undiciFetch(url, { ...init, dispatcher: this.dispatcher() });
  }

  private connector(): buildConnector.connector {
    const base = buildConnector({
      timeout: 10_000,
      // Called by net/tls for host names: resolve, refuse when any answer is refused, connect to what was checked.
      lookup: (hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
        dnsLookup(hostname, { all: true }, (error, addresses) => {
          if (error) return callback(error, []);
          for (const { address } of addresses) {
            const range = this.refusedRange(address, hostname);
            if (range) return callback(new OutboundBlockedError(hostname, address, range), []);
          }
          const all = (options as { all?: boolean }).all;
          if (all) callback(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        });
      },
    } as buildConnector.BuildOptions);
    return (options, callback) => {
      // net.connect never calls lookup for an address literal, so literals are checked here.
      const host = options.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host)) {
        const range = this.refusedRange(host, host);
        if (range) return callback(new OutboundBlockedError(host, host, range), null);
      }
      return base(options, callback);
    };
  }
}

function hostCidr(address: ipaddr.IPv4 | ipaddr.IPv6): Cidr {
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** The host of a URL without IPv6 brackets. WHATWG URL parsing already turned 127.1, 0x7f000001 and 2130706433 into 127.0.0.1. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses.map((a) => a.address)))),
  );
}

/** The OutboundBlockedError behind a failed fetch, if that is why it failed. */
export function blockedCause(error: unknown): OutboundBlockedError | undefined {
  let current: unknown = error;
  for (let i = 0; i < 4 && current; i += 1) {
    if (current instanceof OutboundBlockedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
