/** The protocol of `/api/v1/stream`, for the merged OpenAPI document (OpenAPI has no words for a WebSocket). */
export const STREAM_PROTOCOL = `
## Streaming: \`GET /api/v1/stream\` (WebSocket)

1. Connect, then send \`{"action":"auth","token":"<accessToken>"}\` within 5 s (by default). The token is checked as on HTTP
   (signature, expiry, revoked sessions). Answer: \`{"stream":"authorized","data":{"userId","expiresAt"}}\`.
   Send \`auth\` again with a fresh token of the same user before \`expiresAt\` to keep the stream.
2. \`{"action":"subscribe"|"unsubscribe","quotes":["AAPL"],"bars":["AAPL"],"trades":true,"account":true}\`;
   answer \`{"stream":"subscription","data":{quotes,bars,trades,account}}\` (everything now subscribed).
   A new quote subscriber gets the symbol's last quote at once. \`"since":"<eventId>"\` on a subscribe replays the
   caller's order updates after that event: \`{"stream":"resume","data":{since,available:true,replayed}}\` and the
   updates, or \`available:false\` when the gateway no longer holds that event (then read \`GET /api/v1/orders\`).
3. Server messages \`{"stream", "data"}\`: \`quote\` and \`bar\` (the market data events' fields);
   \`trade_update\` \`{event, eventId, at, order, fill?}\` for the caller's own orders, \`event\` one of
   \`pending_new, new, partial_fill, fill, pending_cancel, canceled, expired, rejected\`, \`order.status\` as in
   \`GET /orders\`; \`account\` \`{kind: "position"|"status", ...}\` (positions after fills, trading status changes; no cash yet);
   \`error\` \`{code, detail}\` for a message the gateway cannot read.
4. Close codes: 4001 not authenticated (no auth in time, bad, expired or revoked token), 4008 slow consumer
   (too much waiting to be sent), 4029 too many connections for the user, 4030 too many symbols for the user,
   1013 the gateway is full or cannot verify tokens now (retry later), 1001 gateway shutting down.
   The gateway pings every 30 s (by default); a client that does not answer by the next ping is disconnected.
`;
