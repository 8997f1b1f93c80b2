import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { KafkaSaslMechanism, KafkaSecurity } from './kafka-security';

/**
 * SCRAM credentials on the brokers (ADR 0028). kafkajs has no AlterUserScramCredentials, so this
 * speaks the few requests it needs itself, over one connection authenticated as the admin:
 * SaslHandshake v1, SaslAuthenticate v1 (SCRAM-SHA-256/512 or PLAIN, RFC 5802 client) and
 * AlterUserScramCredentials v0 (a flexible request: header v2, compact encodings). The salted
 * password is computed here, so the password itself never crosses the wire.
 */

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const MECHANISM_CODE: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };
const DIGEST: Record<ScramMechanism, { hash: 'sha256' | 'sha512'; bytes: number }> = {
  'SCRAM-SHA-256': { hash: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { hash: 'sha512', bytes: 64 },
};
/** Kafka accepts 4096 to 16384 iterations. */
export const SCRAM_ITERATIONS = 8192;

const ERRORS: Record<number, string> = {
  31: 'CLUSTER_AUTHORIZATION_FAILED',
  33: 'UNSUPPORTED_SASL_MECHANISM',
  34: 'ILLEGAL_SASL_STATE',
  35: 'UNSUPPORTED_VERSION',
  41: 'NOT_CONTROLLER',
  58: 'SASL_AUTHENTICATION_FAILED',
  91: 'RESOURCE_NOT_FOUND',
  92: 'DUPLICATE_RESOURCE',
  93: 'UNACCEPTABLE_CREDENTIAL',
};

export class KafkaScramError extends Error {
  override name = 'KafkaScramError';
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(code === undefined ? message : `${message}: ${ERRORS[code] ?? `error ${code}`}`);
  }
}

// --- encoding -------------------------------------------------------------------------------

class Writer {
  private readonly parts: Buffer[] = [];
  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  uvarint(v: number): this {
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
    return this.push(Buffer.from(out));
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const b = Buffer.from(v, 'utf8');
    return this.int16(b.length).push(b);
  }
  bytes(v: Buffer): this {
    return this.int32(v.length).push(v);
  }
  compactString(v: string): this {
    const b = Buffer.from(v, 'utf8');
    return this.uvarint(b.length + 1).push(b);
  }
  compactBytes(v: Buffer): this {
    return this.uvarint(v.length + 1).push(v);
  }
  compactArray<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) each(this, item);
    return this;
  }
  noTags(): this {
    return this.uvarint(0);
  }
  push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  private at = 0;
  constructor(private readonly b: Buffer) {}
  int8(): number {
    return this.b.readInt8((this.at += 1) - 1);
  }
  int16(): number {
    return this.b.readInt16BE((this.at += 2) - 2);
  }
  int32(): number {
    return this.b.readInt32BE((this.at += 4) - 4);
  }
  uvarint(): number {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.b[this.at++]!;
      v |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v >>> 0;
    }
  }
  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    return this.b.toString('utf8', this.at, (this.at += n));
  }
  bytes(): Buffer {
    const n = this.int32();
    return n < 0 ? Buffer.alloc(0) : this.b.subarray(this.at, (this.at += n));
  }
  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    return this.b.toString('utf8', this.at, (this.at += n));
  }
  get position(): number {
    return this.at;
  }
  skipTags(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint();
      this.at += this.uvarint();
    }
  }
  compactArray<T>(each: (r: this) => T): T[] {
    const n = this.uvarint() - 1;
    return Array.from({ length: Math.max(n, 0) }, () => each(this));
  }
}

// --- one connection ---------------------------------------------------------------------------

const API = { saslHandshake: 17, saslAuthenticate: 36, describeUserScramCredentials: 50, alterUserScramCredentials: 51 } as const;

class KafkaWire {
  private buffered = Buffer.alloc(0);
  private readonly waiting = new Map<number, { flexible: boolean; resolve(b: Buffer): void; reject(e: Error): void }>();
  private nextId = 1;
  private failure?: Error;

  private constructor(
    private readonly socket: Socket,
    private readonly clientId: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new KafkaScramError('the broker closed the connection')));
  }

  static open(broker: string, ssl: KafkaSecurity['ssl'], clientId: string, timeoutMs: number): Promise<KafkaWire> {
    const i = broker.lastIndexOf(':');
    const host = broker.slice(0, i);
    const port = Number(broker.slice(i + 1));
    return new Promise((resolve, reject) => {
      const socket = ssl
        ? tlsConnect({ host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host, ca: ssl.ca ? [ssl.ca] : undefined })
        : tcpConnect({ host, port });
      const timer = setTimeout(() => (socket.destroy(), reject(new KafkaScramError(`${broker}: no connection within ${timeoutMs} ms`))), timeoutMs);
      socket.once(ssl ? 'secureConnect' : 'connect', () => (clearTimeout(timer), resolve(new KafkaWire(socket, clientId, timeoutMs))));
      socket.once('error', (e) => (clearTimeout(timer), reject(new KafkaScramError(`${broker}: ${e.message}`))));
    });
  }

  /** Sends one request and resolves with the response body (after its header). */
  request(apiKey: number, apiVersion: number, flexible: boolean, body: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const header = new Writer().int16(apiKey).int16(apiVersion).int32(id).string(this.clientId);
    if (flexible) header.noTags();
    const payload = Buffer.concat([header.done(), body]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => (this.waiting.delete(id), reject(new KafkaScramError(`no answer to request ${apiKey} within ${this.timeoutMs} ms`))), this.timeoutMs);
      this.waiting.set(id, {
        flexible,
        resolve: (b) => (clearTimeout(timer), resolve(b)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.socket.write(Buffer.concat([size, payload]));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const r = new Reader(frame);
      const id = r.int32();
      const w = this.waiting.get(id);
      if (!w) continue;
      this.waiting.delete(id);
      // response header v1 (flexible requests; not for ApiVersions, which is not used here) has tagged fields
      const start = w.flexible ? headerV1Length(frame) : 4;
      w.resolve(frame.subarray(start));
    }
  }
}

function headerV1Length(frame: Buffer): number {
  const r = new Reader(frame);
  r.int32();
  r.skipTags();
  return r.position;
}

// --- SASL ------------------------------------------------------------------------------------

const escapeName = (n: string) => n.replace(/=/g, '=3D').replace(/,/g, '=2C');
const hmac = (hash: string, key: Buffer, data: string | Buffer) => createHmac(hash, key).update(data).digest();

async function authenticate(wire: KafkaWire, sasl: NonNullable<KafkaSecurity['sasl']>): Promise<void> {
  const mechanism = sasl.mechanism.toUpperCase();
  const hs = new Reader(await wire.request(API.saslHandshake, 1, false, new Writer().string(mechanism).done()));
  const hsError = hs.int16();
  if (hsError) throw new KafkaScramError(`the broker refused SASL mechanism ${mechanism}`, hsError);
  const step = async (bytes: Buffer): Promise<Buffer> => {
    const r = new Reader(await wire.request(API.saslAuthenticate, 1, false, new Writer().bytes(bytes).done()));
    const error = r.int16();
    const message = r.nullableString();
    const out = r.bytes();
    if (error) throw new KafkaScramError(`authentication of ${sasl.username} failed${message ? ` (${message})` : ''}`, error);
    return out;
  };
  if (sasl.mechanism === 'plain') {
    await step(Buffer.from(`\0${sasl.username}\0${sasl.password}`, 'utf8'));
    return;
  }
  const { hash } = DIGEST[mechanism as ScramMechanism];
  const clientNonce = randomBytes(24).toString('base64');
  const clientFirstBare = `n=${escapeName(sasl.username)},r=${clientNonce}`;
  const serverFirst = (await step(Buffer.from(`n,,${clientFirstBare}`, 'utf8'))).toString('utf8');
  const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)]));
  const nonce = attrs['r'] ?? '';
  if (!nonce.startsWith(clientNonce) || !attrs['s'] || !attrs['i']) throw new KafkaScramError(`unexpected SCRAM server-first message from the broker`);
  const salted = pbkdf2Sync(Buffer.from(sasl.password, 'utf8'), Buffer.from(attrs['s'], 'base64'), Number(attrs['i']), DIGEST[mechanism as ScramMechanism].bytes, hash);
  const clientKey = hmac(hash, salted, 'Client Key');
  const storedKey = createHash(hash).update(clientKey).digest();
  const finalWithoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${finalWithoutProof}`;
  const signature = hmac(hash, storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  const serverFinal = (await step(Buffer.from(`${finalWithoutProof},p=${proof.toString('base64')}`, 'utf8'))).toString('utf8');
  const expected = hmac(hash, hmac(hash, salted, 'Server Key'), authMessage);
  const got = Buffer.from(/(?:^|,)v=([^,]+)/.exec(serverFinal)?.[1] ?? '', 'base64');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new KafkaScramError('the broker did not prove it knows the SCRAM credential');
}

// --- the admin -------------------------------------------------------------------------------

export interface ScramAdminOptions {
  brokers: string[];
  /** The admin identity (a super user, or one with ALTER on the cluster). */
  security: KafkaSecurity;
  clientId?: string;
  timeoutMs?: number;
}

export interface ScramUpsert {
  name: string;
  password: string;
  mechanism?: ScramMechanism;
}

/** Whether `security` authenticates at one of the brokers (true), or is refused (false); other failures throw. */
export async function canAuthenticate(brokers: string[], security: KafkaSecurity, timeoutMs = 10_000): Promise<boolean> {
  const wire = await openAny(brokers, security.ssl, 'alphintra-scram-check', timeoutMs);
  try {
    if (security.sasl) await authenticate(wire, security.sasl);
    return true;
  } catch (e) {
    if (e instanceof KafkaScramError && (e.code === 58 || e.code === 33)) return false;
    throw e;
  } finally {
    wire.close();
  }
}

async function openAny(brokers: string[], ssl: KafkaSecurity['ssl'], clientId: string, timeoutMs: number): Promise<KafkaWire> {
  const errors: string[] = [];
  for (const b of brokers) {
    try {
      return await KafkaWire.open(b, ssl, clientId, timeoutMs);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  throw new KafkaScramError(`no broker reachable: ${errors.join('; ')}`);
}

/** Creates or replaces SCRAM credentials (a new salt each time), and deletes some; throws naming every user that failed. */
export async function alterScramCredentials(o: ScramAdminOptions, upserts: ScramUpsert[], deletions: { name: string; mechanism?: ScramMechanism }[] = []): Promise<void> {
  if (!upserts.length && !deletions.length) return;
  const timeoutMs = o.timeoutMs ?? 15_000;
  const wire = await openAny(o.brokers, o.security.ssl, o.clientId ?? 'alphintra-ops', timeoutMs);
  try {
    if (o.security.sasl) await authenticate(wire, o.security.sasl);
    const body = new Writer()
      .compactArray(deletions, (w, d) => w.compactString(d.name).int8(MECHANISM_CODE[d.mechanism ?? 'SCRAM-SHA-512']).noTags())
      .compactArray(upserts, (w, u) => {
        const mechanism = u.mechanism ?? 'SCRAM-SHA-512';
        const salt = randomBytes(32);
        const { hash, bytes } = DIGEST[mechanism];
        const salted = pbkdf2Sync(Buffer.from(u.password, 'utf8'), salt, SCRAM_ITERATIONS, bytes, hash);
        w.compactString(u.name).int8(MECHANISM_CODE[mechanism]).int32(SCRAM_ITERATIONS).compactBytes(salt).compactBytes(salted).noTags();
      })
      .noTags()
      .done();
    const r = new Reader(await wire.request(API.alterUserScramCredentials, 0, true, body));
    r.int32(); // throttle
    const results = r.compactArray((x) => {
      const user = x.compactNullableString() ?? '';
      const code = x.int16();
      const message = x.compactNullableString();
      x.skipTags();
      return { user, code, message };
    });
    const failed = results.filter((x) => x.code !== 0);
    if (failed.length) {
      throw new KafkaScramError(`SCRAM credentials not changed for ${failed.map((f) => `${f.user} (${ERRORS[f.code] ?? f.code}${f.message ? `: ${f.message}` : ''})`).join(', ')}`);
    }
  } finally {
    wire.close();
  }
}

/** The users that have a SCRAM credential, with their mechanisms. */
export async function describeScramUsers(o: ScramAdminOptions): Promise<Map<string, ScramMechanism[]>> {
  const timeoutMs = o.timeoutMs ?? 15_000;
  const wire = await openAny(o.brokers, o.security.ssl, o.clientId ?? 'alphintra-ops', timeoutMs);
  try {
    if (o.security.sasl) await authenticate(wire, o.security.sasl);
    // a null user list asks for every user
    const r = new Reader(await wire.request(API.describeUserScramCredentials, 0, true, new Writer().uvarint(0).noTags().done()));
    r.int32();
    const error = r.int16();
    const message = r.compactNullableString();
    if (error) throw new KafkaScramError(`cannot describe SCRAM users${message ? ` (${message})` : ''}`, error);
    const byCode = new Map(Object.entries(MECHANISM_CODE).map(([m, c]) => [c, m as ScramMechanism]));
    const users = new Map<string, ScramMechanism[]>();
    for (const u of r.compactArray((x) => {
      const user = x.compactNullableString() ?? '';
      const code = x.int16();
      x.compactNullableString();
      const mechanisms = x.compactArray((y) => {
        const m = y.int8();
        y.int32();
        y.skipTags();
        return m;
      });
      x.skipTags();
      return { user, code, mechanisms };
    })) {
      if (u.code === 0) users.set(u.user, u.mechanisms.map((m) => byCode.get(m)).filter((m): m is ScramMechanism => !!m));
    }
    return users;
  } finally {
    wire.close();
  }
}

export const scramMechanismOf = (m: KafkaSaslMechanism): ScramMechanism | undefined =>
  m === 'scram-sha-256' ? 'SCRAM-SHA-256' : m === 'scram-sha-512' ? 'SCRAM-SHA-512' : undefined;
