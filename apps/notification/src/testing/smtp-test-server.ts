import { createServer, type Server, type Socket } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The DATA as received (dot-stuffing undone), headers and body. */
  data: string;
  headers: Record<string, string>;
  /** The body decoded from base64 when so encoded. */
  text: string;
}

/** A minimal real SMTP server on 127.0.0.1 for tests: accepts everything and records each message. */
export class SmtpTestServer {
  readonly messages: ReceivedMail[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<SmtpTestServer> {
    const holder: { self?: SmtpTestServer } = {};
    const server = createServer((socket) => holder.self!.session(socket));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    holder.self = new SmtpTestServer(server, (server.address() as { port: number }).port);
    return holder.self;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private session(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = '';
    let from = '';
    let to: string[] = [];
    let data: string[] | null = null;
    reply('220 127.0.0.1 test ESMTP');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data) {
          if (line === '.') {
            this.messages.push(parse(from, to, data.join('\r\n')));
            data = null;
            from = '';
            to = [];
            reply('250 2.0.0 Ok: queued');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
        switch (line.slice(0, 4).toUpperCase()) {
          case 'EHLO':
            reply('250-127.0.0.1 greets you');
            reply('250-8BITMIME');
            reply('250 SIZE 10485760');
            break;
          case 'HELO':
            reply('250 127.0.0.1');
            break;
          case 'MAIL':
            from = address;
            reply('250 2.1.0 Ok');
            break;
          case 'RCPT':
            to.push(address);
            reply('250 2.1.5 Ok');
            break;
          case 'DATA':
            data = [];
            reply('354 End data with <CR><LF>.<CR><LF>');
            break;
          case 'RSET':
            from = '';
            to = [];
            reply('250 Ok');
            break;
          case 'NOOP':
            reply('250 Ok');
            break;
          case 'QUIT':
            reply('221 Bye');
            socket.end();
            break;
          default:
            reply('502 5.5.2 Command not recognized');
        }
      }
    });
  }
}

function parse(from: string, to: string[], data: string): ReceivedMail {
  const split = data.indexOf('\r\n\r\n');
  const head = split >= 0 ? data.slice(0, split) : data;
  const body = split >= 0 ? data.slice(split + 4) : '';
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const c = line.indexOf(':');
    if (c > 0) headers[line.slice(0, c).toLowerCase()] = decodeWord(line.slice(c + 1).trim());
  }
  const text = /base64/i.test(headers['content-transfer-encoding'] ?? '') ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return { from, to, data, headers, text };
}

const decodeWord = (v: string) => v.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
