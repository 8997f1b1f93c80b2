import type { LookupAddress } from 'node:dns';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkWebhookUrl, guardedLookup, refusedAddress, webhookUrlProblem, WebhookUrlRefused, type Resolver } from './webhook-url';

const strict = { allowPrivate: false };
const open = { allowPrivate: true };
/** A resolver answering from a table, as DNS would; unknown names do not resolve. */
const dns =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    if (table[host]) return table[host];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };

describe('the webhook URL policy', () => {
  it.each([
    ['http://hooks.example.com/x', 'must be an https URL'],
    ['ftp://hooks.example.com/x', 'must be an https URL'],
    ['file:///etc/passwd', 'must be an https URL'],
    ['not a url', 'must be a URL'],
    ['https://user:pw@hooks.example.com/x', 'must not carry credentials'],
    ['https://127.0.0.1/x', '127.0.0.1 is in the loopback range'],
    ['https://2130706433/x', '127.0.0.1 is in the loopback range'], // the URL parser normalizes numeric hosts
    ['https://10.1.2.3/x', '10.1.2.3 is in the private range'],
    ['https://172.16.0.1/x', '172.16.0.1 is in the private range'],
    ['https://192.168.1.1:8443/x', '192.168.1.1 is in the private range'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is in the linkLocal range'],
    ['https://100.100.100.200/x', '100.100.100.200 is in the carrierGradeNat range'],
    ['https://0.0.0.0/x', '0.0.0.0 is in the unspecified range'],
    ['https://[::1]/x', '::1 is in the loopback range'],
    ['https://[::ffff:10.0.0.1]/x', '::ffff:a00:1 is in the private range'],
    ['https://[fd00:ec2::254]/x', 'fd00:ec2::254 is in the uniqueLocal range'],
    ['https://[fe80::1]/x', 'fe80::1 is in the linkLocal range'],
    ['https://localhost/x', 'localhost is a local name'],
    ['https://LOCALHOST./x', 'localhost is a local name'],
    ['https://api.localhost/x', 'api.localhost is a local name'],
    ['https://metadata.google.internal/x', 'metadata.google.internal is a local name'],
    ['https://printer.local/x', 'printer.local is a local name'],
    ['https://intranet/x', 'intranet is a local name'],
  ])('refuses %s: %s', async (url, reason) => {
    expect(webhookUrlProblem(url, strict)).toBe(reason);
    await expect(checkWebhookUrl(url, strict, dns({}))).rejects.toThrow(new WebhookUrlRefused(reason));
  });

  it('resolves the host and refuses it when any address is not public', async () => {
    const table = {
      'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
      'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
      'meta.example.com': ['169.254.169.254'],
      'v6.example.com': ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::1'],
    };
    await expect(checkWebhookUrl('https://hooks.example.com/x', strict, dns(table))).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://93.184.215.14/x', strict, dns({}))).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://mixed.example.com/x', strict, dns(table))).rejects.toThrow('mixed.example.com resolves to 10.0.0.7 is in the private range');
    await expect(checkWebhookUrl('https://meta.example.com/x', strict, dns(table))).rejects.toThrow('resolves to 169.254.169.254 is in the linkLocal range');
    await expect(checkWebhookUrl('https://v6.example.com/x', strict, dns(table))).rejects.toThrow('resolves to ::1 is in the loopback range');
    await expect(checkWebhookUrl('https://gone.example.com/x', strict, dns(table))).rejects.toThrow('gone.example.com does not resolve');
    const flaky: Resolver = async () => {
      throw Object.assign(new Error('timeout'), { code: 'EAI_AGAIN' });
    };
    await expect(checkWebhookUrl('https://hooks.example.com/x', strict, flaky)).rejects.toThrow('could not be resolved (EAI_AGAIN); try again');
  });

  it('lets local development use http and private addresses with the switch', async () => {
    for (const url of ['http://127.0.0.1:9000/hook', 'https://localhost/x', 'http://[::1]/x', 'https://10.0.0.1/x']) {
      expect(webhookUrlProblem(url, open)).toBeNull();
      await expect(checkWebhookUrl(url, open, dns({}))).resolves.toBeUndefined();
    }
    expect(webhookUrlProblem('ftp://127.0.0.1/x', open)).toBe('must be an http(s) URL');
  });

  it('judges addresses by range, IPv4-mapped IPv6 as its IPv4', () => {
    expect(refusedAddress('8.8.8.8')).toBeNull();
    expect(refusedAddress('2001:4860:4860::8888')).toBeNull();
    expect(refusedAddress('::ffff:8.8.8.8')).toBeNull();
    expect(refusedAddress('::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1 is in the loopback range');
    expect(refusedAddress('64:ff9b::a00:1')).toBe('64:ff9b::a00:1 is in the rfc6052 range');
    expect(refusedAddress('224.0.0.1')).toBe('224.0.0.1 is in the multicast range');
    expect(refusedAddress('nope')).toBe('nope is not an IP address');
  });

  describe('at delivery: the connection itself checks what the name resolves to (DNS rebinding)', () => {
    let server: Server;
    let port: number;
    let hits = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => (hits++, res.writeHead(204).end()));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((r) => server.close(r)));

    /** DNS that now answers the loopback address for a name that was public at registration. */
    const rebound = (host: string, _o: object, cb: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) =>
      cb(null, host === 'rebind.example.com' ? [{ address: '127.0.0.1', family: 4 }] : []);
    const post = (policy: { allowPrivate: boolean }) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: 'rebind.example.com', port, path: '/hook', method: 'POST', lookup: guardedLookup(policy, rebound) }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end('{}');
      });

    it('fails the connection before it is made when the name now resolves to a private address', async () => {
      await expect(post(strict)).rejects.toThrow(new WebhookUrlRefused('rebind.example.com resolves to 127.0.0.1 is in the loopback range'));
      expect(hits).toBe(0);
    });

    it('connects to the address it checked when the switch allows private addresses', async () => {
      await expect(post(open)).resolves.toBe(204);
      expect(hits).toBe(1);
    });
  });
});
