import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, webhookUrlProblem, WebhookUrlRefused, type WebhookPolicy } from '@alphintra/platform-http';

export const SIGNATURE_HEADER = 'X-Alphintra-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; a receiver recomputes it and checks t is recent. */
export function signature(secret: string, body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/**
 * POSTs the JSON body, signed, to a URL the policy allows, over a connection whose every
 * resolved address the policy allows too (checked by the connection itself, on each attempt);
 * anything but a 2xx answer within the timeout is a failure, redirects included.
 */
export async function postWebhook(url: string, body: string, secret: string, o: { timeoutMs: number; policy: WebhookPolicy }): Promise<void> {
  const problem = webhookUrlProblem(url, o.policy);
  if (problem) throw new WebhookUrlRefused(`webhook URL ${problem}`);
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const status = await new Promise<number>((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Alphintra-Webhooks/1',
          [SIGNATURE_HEADER]: signature(secret, body),
        },
        lookup: guardedLookup(o.policy),
        agent: false,
        signal: AbortSignal.timeout(o.timeoutMs),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  if (status < 200 || status > 299) throw new Error(`HTTP ${status}`);
}
