import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1, in a process of its own, for the
 * notification tests (`smtp-receiver.ts` forks it). It requires AUTH PLAIN/LOGIN with the user
 * and password of its environment, answers `451` to a recipient `flaky<n>-…@…` its first n
 * times, and sends each accepted message, parsed by `mailparser`, to its parent over IPC.
 */
export type ReceiverMessage =
  | { type: 'listening'; port: number }
  | { type: 'mail'; mail: { envelopeFrom: string; envelopeTo: string[]; from: string; to: string; subject: string; text: string; headers: string[] } };
export type ReceiverCommand = { type: 'password'; password: string };

const user = process.env.SMTP_RECEIVER_USER!;
let password = process.env.SMTP_RECEIVER_PASSWORD!;
const refused = new Map<string, number>();
const send = (m: ReceiverMessage) => process.send!(m);
const fail = (message: string, responseCode: number): SMTPServerError => Object.assign(new Error(message), { responseCode });

const server = new SMTPServer({
  authMethods: ['PLAIN', 'LOGIN'],
  allowInsecureAuth: true, // loopback only; nodemailer still offers STARTTLS code paths to real servers
  disabledCommands: ['STARTTLS'],
  onAuth: (auth, _session, cb) => (auth.username === user && auth.password === password ? cb(null, { user }) : cb(fail('Authentication failed', 535))),
  onRcptTo: (address, _session, cb) => {
    const flaky = /^flaky(\d+)-/.exec(address.address);
    const seen = (refused.get(address.address) ?? 0) + 1;
    refused.set(address.address, seen);
    if (flaky && seen <= Number(flaky[1])) return cb(fail('4.3.0 Try again later', 451));
    cb();
  },
  onData: (stream, session, cb) => {
    simpleParser(stream).then(
      (m) => {
        send({
          type: 'mail',
          mail: {
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            from: m.from?.text ?? '',
            to: [m.to ?? []].flat().map((a) => a.text).join(', '),
            subject: m.subject ?? '',
            text: m.text ?? '',
            headers: m.headerLines.map((h) => h.line),
          },
        });
        cb();
      },
      (e: Error) => cb(e),
    );
  },
});

process.on('message', (c: ReceiverCommand) => {
  if (c.type === 'password') password = c.password;
});
process.on('disconnect', () => server.close(() => process.exit(0)));
server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: (server.server.address() as { port: number }).port }));
