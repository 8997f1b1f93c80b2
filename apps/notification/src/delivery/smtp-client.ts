import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';

/**
 * A minimal SMTP client over node:net (RFC 5321), since no mail library is a dependency here:
 * EHLO, MAIL FROM, RCPT TO, DATA, QUIT on a plain connection — no STARTTLS, no AUTH. It is meant
 * for a local, trusted relay (`SMTP_URL=smtp://host:port`, e.g. a Postfix or a sidecar on the
 * node) that does the onward delivery with TLS. The body is UTF-8 text, base64-encoded.
 */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

export class SmtpError extends Error {
  override name = 'SmtpError';
}

const TIMEOUT_MS = 10_000;

/** Sends one message; resolves with the relay's answer to DATA (its queue id, usually). */
export async function sendMail(smtpUrl: string, m: MailMessage, timeoutMs = TIMEOUT_MS): Promise<string> {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:') throw new SmtpError(`unsupported SMTP URL ${url.protocol}`);
  for (const a of [m.from, m.to]) if (/[\r\n<>\s]/.test(a)) throw new SmtpError(`invalid address ${JSON.stringify(a)}`);
  const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 25) });
  const session = new SmtpSession(socket, timeoutMs);
  try {
    await session.expect(220);
    await session.command(`EHLO ${hostname() || 'localhost'}`, 250);
    await session.command(`MAIL FROM:<${m.from}>`, 250);
    await session.command(`RCPT TO:<${m.to}>`, 250, 251);
    await session.command('DATA', 354);
    const accepted = await session.command(`${dotStuff(formatMessage(m))}\r\n.`, 250);
    await session.command('QUIT', 221).catch(() => undefined);
    return accepted;
  } finally {
    session.close();
  }
}

/** RFC 5322 headers and a base64 UTF-8 text body; header values cannot break out of their line. */
export function formatMessage(m: MailMessage, now = new Date()): string {
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
  const header = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`);
  const body = Buffer.from(m.text, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n');
  return [
    `From: ${oneLine(m.from)}`,
    `To: ${oneLine(m.to)}`,
    `Subject: ${header(oneLine(m.subject))}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${randomUUID()}@${m.from.split('@')[1] ?? 'localhost'}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body.replace(/\r\n$/, ''),
  ].join('\r\n');
}

/** A line of the data that starts with a dot gets another (RFC 5321 4.5.2). */
const dotStuff = (data: string) => data.replace(/(^|\r\n)\./g, '$1..');

/** Reads replies (multi-line `250-…` up to `250 …`) and writes commands. */
class SmtpSession {
  private buffer = '';
  private lines: string[] = [];
  private waiting?: () => void;
  private failure?: Error;

  constructor(
    private readonly socket: Socket,
    timeoutMs: number,
  ) {
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs);
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i: number;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, i).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(i + 1);
      }
      this.wake();
    });
    socket.on('timeout', () => this.fail(new SmtpError('SMTP timeout')));
    socket.on('error', (e) => this.fail(new SmtpError(`SMTP connection failed: ${e.message}`)));
    socket.on('close', () => this.fail(new SmtpError('SMTP connection closed')));
  }

  async command(line: string, ...ok: number[]): Promise<string> {
    if (this.failure) throw this.failure;
    this.socket.write(`${line}\r\n`);
    return this.expect(...ok);
  }

  async expect(...ok: number[]): Promise<string> {
    const reply: string[] = [];
    for (;;) {
      const line = await this.nextLine();
      reply.push(line);
      if (!/^\d{3}-/.test(line)) break;
    }
    const text = reply.join('\n');
    const code = Number(text.slice(0, 3));
    if (!ok.includes(code)) throw new SmtpError(`SMTP ${reply[reply.length - 1]}`);
    return text;
  }

  close(): void {
    this.socket.destroy();
  }

  private async nextLine(): Promise<string> {
    while (!this.lines.length) {
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => (this.waiting = r));
    }
    return this.lines.shift()!;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}
