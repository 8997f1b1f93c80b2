import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Alphintra-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; a receiver recomputes it and checks t is recent. */
export function signature(secret: string, body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** POSTs the JSON body, signed; anything but a 2xx answer within the timeout is a failure. */
export async function postWebhook(url: string, body: string, secret: string, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Alphintra-Webhooks/1', [SIGNATURE_HEADER]: signature(secret, body) },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body?.cancel().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}`);
}
