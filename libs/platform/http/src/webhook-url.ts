import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { booleanFlag } from '@alphintra/platform-config';

/**
 * Where a user-supplied webhook may point (SSRF): https only, to a public DNS name or address,
 * and every address the name resolves to a global unicast one — no private, loopback,
 * link-local (169.254.169.254, the cloud metadata service), shared, multicast or reserved
 * range, IPv4 or IPv6 (IPv4-mapped IPv6 is judged as the IPv4 it maps). Checked when the URL is
 * registered and again by the connection that delivers (`guardedLookup`), so a name re-pointed
 * after registration (DNS rebinding) reaches nothing private. ADR 0004.
 */
export interface WebhookPolicy {
  /** http and any address: local development and tests, which deliver to a loopback receiver. */
  allowPrivate: boolean;
}

export const webhookPolicyEnv = {
  NOTIFICATION_WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
};

export class WebhookUrlRefused extends Error {
  override name = 'WebhookUrlRefused';
}

/** Names that are local by definition, wherever DNS sends them. */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa)$/;

/** Why an address may not receive webhooks, or null for a global unicast one. */
export function refusedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range = ipaddr.process(address).range(); // an IPv4-mapped IPv6 address as its IPv4
  return range === 'unicast' ? null : `${address} is in the ${range} range`;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();

/** What is wrong with the URL itself, before any DNS: scheme, credentials, literal addresses, local names. */
export function webhookUrlProblem(raw: string, policy: WebhookPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) return policy.allowPrivate ? 'must be an http(s) URL' : 'must be an https URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (policy.allowPrivate) return null;
  const host = hostOf(url);
  if (isIP(host)) return refusedAddress(host);
  if (!host.includes('.') || LOCAL_NAME.test(host)) return `${host} is a local name`;
  return null;
}

export type Resolver = (host: string) => Promise<string[]>;

const resolveAll: Resolver = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))));

/** The whole check at registration: the URL, then every address its host resolves to now. */
export async function checkWebhookUrl(raw: string, policy: WebhookPolicy, resolve: Resolver = resolveAll): Promise<void> {
  const problem = webhookUrlProblem(raw, policy);
  if (problem) throw new WebhookUrlRefused(problem);
  const host = hostOf(new URL(raw));
  if (policy.allowPrivate || isIP(host)) return;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WebhookUrlRefused(code === 'ENOTFOUND' || code === 'ENODATA' ? `${host} does not resolve` : `${host} could not be resolved (${code ?? 'error'}); try again`);
  }
  if (!addresses.length) throw new WebhookUrlRefused(`${host} does not resolve`);
  for (const a of addresses) {
    const refused = refusedAddress(a);
    if (refused) throw new WebhookUrlRefused(`${host} resolves to ${refused}`);
  }
}

type DnsLookupAll = (host: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * The `lookup` of the delivering connection (http.request, net.connect): resolves as usual and
 * fails the connection when any address is refused, so the addresses checked are the ones used.
 * Literal addresses skip lookup: `webhookUrlProblem` judges them before the request.
 */
export function guardedLookup(policy: WebhookPolicy, lookupAll: DnsLookupAll = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    lookupAll(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const refused = policy.allowPrivate ? null : (addresses.map((a) => refusedAddress(a.address)).find(Boolean) ?? (addresses.length ? null : 'nothing'));
      if (refused) return callback(Object.assign(new WebhookUrlRefused(`${hostname} resolves to ${refused}`), { code: 'EWEBHOOKREFUSED' }), '');
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
