import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { registerSecret } from '@alphintra/testing';
import type { ReceiverCommand, ReceiverMessage } from './smtp-receiver.process';

export type ReceivedMail = Extract<ReceiverMessage, { type: 'mail' }>['mail'];

/** The SMTP server of `smtp-receiver.process.ts`, run as a child process; `url` is what SMTP_URL takes. */
export class SmtpReceiver {
  readonly messages: ReceivedMail[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly user: string,
    private password: string,
  ) {
    child.on('message', (m: ReceiverMessage) => void (m.type === 'mail' && this.messages.push(m.mail)));
  }

  static async start(): Promise<SmtpReceiver> {
    const user = 'alphintra-mailer';
    const password = `smtp-${randomBytes(12).toString('base64url')}`;
    registerSecret(password);
    const root = join(__dirname, '../../../..');
    const child = fork(join(__dirname, 'smtp-receiver.process.ts'), [], {
      execArgv: ['-r', '@swc-node/register'],
      cwd: root,
      env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json'), SMTP_RECEIVER_USER: user, SMTP_RECEIVER_PASSWORD: password },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the SMTP receiver exited with ${code} before listening`)));
      child.on('message', (m: ReceiverMessage) => m.type === 'listening' && resolve(m.port));
    });
    child.removeAllListeners('exit');
    return new SmtpReceiver(child, port, user, password);
  }

  /** `smtp://user:password@127.0.0.1:port`, or with another password. */
  url(password = this.password): string {
    return `smtp://${encodeURIComponent(this.user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  /** The server accepts only this password from now on. */
  changePassword(password: string): void {
    registerSecret(password);
    this.password = password;
    this.child.send({ type: 'password', password } satisfies ReceiverCommand);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.disconnect();
    await exited;
  }
}
