import { SmtpTestServer } from '../testing/smtp-test-server';
import { formatMessage, sendMail, SmtpError } from './smtp-client';

describe('the minimal SMTP client', () => {
  let server: SmtpTestServer;
  beforeAll(async () => {
    server = await SmtpTestServer.start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends one message through EHLO, MAIL, RCPT, DATA and QUIT', async () => {
    const answer = await sendMail(server.url, { from: 'no-reply@alphintra.local', to: 'ann@example.com', subject: 'Grüße — hello', text: 'line one\n.starts with a dot\nünïcode' });
    expect(answer).toMatch(/^250 /);
    const m = server.messages.at(-1)!;
    expect(m.from).toBe('no-reply@alphintra.local');
    expect(m.to).toEqual(['ann@example.com']);
    expect(m.headers.subject).toBe('Grüße — hello');
    expect(m.headers.to).toBe('ann@example.com');
    expect(m.text).toBe('line one\n.starts with a dot\nünïcode');
  });

  it('keeps header values on one line and stuffs a leading dot', () => {
    const text = formatMessage({ from: 'a@b.c', to: 'd@e.f', subject: 'x\r\nBcc: evil@example.com', text: 'x' });
    expect(text).not.toMatch(/\r\nBcc:/);
  });

  it('fails with the reason when nothing listens or an address is malformed', async () => {
    await expect(sendMail('smtp://127.0.0.1:1', { from: 'a@b.c', to: 'd@e.f', subject: 's', text: 't' })).rejects.toThrow(SmtpError);
    await expect(sendMail(server.url, { from: 'a@b.c', to: 'd@e.f>\r\nRCPT TO:<x@y.z', subject: 's', text: 't' })).rejects.toThrow(/invalid address/);
  });
});
