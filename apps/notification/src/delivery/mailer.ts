import { createTransport } from 'nodemailer';
import type { SmtpServer } from '../env';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Resolves with the server's answer to the message (its queue id, usually); rejects with its reason. */
  send(m: MailMessage): Promise<string>;
  close(): void;
}

/**
 * E-mail over nodemailer's SMTP transport: a connection per message, STARTTLS when offered
 * (or required), AUTH when the URL has a user. Never logs (nodemailer's logger would write the
 * AUTH exchange), and reads no file or URL a message could name.
 */
export function createMailer(server: SmtpServer, o: { requireTLS: boolean; timeoutMs: number }): Mailer {
  const transport = createTransport({
    host: server.host,
    port: server.port,
    secure: server.secure,
    auth: server.auth,
    requireTLS: o.requireTLS,
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    send: async (m) => (await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text })).response,
    close: () => transport.close(),
  };
}
