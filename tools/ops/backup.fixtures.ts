/**
 * Rows as the services write them, run by the runtime user after the real migrations: decimals
 * at full precision and sign, NULLs, text arrays (empty, quoted, non-ASCII), jsonb, bigserial
 * ids with gaps, the outbox (sent and pending) and the inbox. Table → rows inserted.
 */
export const FIXTURE_ROWS: Record<'risk' | 'trading', Record<string, number>> = {
  risk: { risk_limit: 40, exposure: 90, order_track: 60, blacklist_ref: 12, risk_assessment: 60, compliance_log: 30, outbox: 50, inbox: 35 },
  trading: { instrument_ref: 20, account: 30, activity: 60, order: 80, order_transition: 160, execution: 40, position: 45, outbox: 50, inbox: 35 },
};

const uuid = (seed: string) => `md5('${seed}' || g)::uuid`;
const at = (minutes: number) => `timestamptz '2026-01-05 09:30:00+00' + g * interval '${minutes} minutes 0.125 seconds'`;

const messaging = (s: string): string[] => [
  `insert into "outbox" ("event_id", "topic", "aggregate_key", "shard", "event_type", "headers", "payload", "created_at", "sent_at")
     select ${uuid(`${s}-ev`)}, 'alphintra.${s}.thing.v1', 'key-' || g % 7, g % 16, '${s}.thing.happened',
            jsonb_build_object('ce_id', g::text, 'traceparent', '00-' || md5(g::text) || '-01'),
            jsonb_build_object('amount', (g * 1.00000001)::text, 'note', 'ünï "q''s"', 'list', jsonb_build_array(g, null, true)),
            ${at(3)}, case when g % 4 = 0 then null else ${at(4)} end
       from generate_series(1, 50) g`,
  `insert into "inbox" ("event_id", "consumer", "event_type", "received_at")
     select ${uuid(`${s}-in`)}, '${s}-consumer-' || g % 3, 'other.thing.happened', ${at(5)} from generate_series(1, 35) g`,
];

/** Run by the owner (the runtime user may use sequences, not set them): a gap in the outbox ids. */
export const OWNER_FIXTURE_SQL = [`select setval(pg_get_serial_sequence('outbox', 'id'), 7000)`];

export const fixtureSql = {
  risk: [
    `insert into "risk_limit" select ${uuid('user')}, (g * 1234.56789012)::numeric(38, 8), '12345678901234567890.12345678', g, g * 10,
       case g % 3 when 0 then '{buy}' when 1 then '{sell}' else '{buy,sell}' end::text[],
       case when g % 4 = 0 then null when g % 4 = 1 then '{}'::text[] else array['AAPL', 'BRK.B', 'Ü"q''s'] end,
       ${uuid('admin')}, ${at(7)} from generate_series(1, 40) g`,
    `insert into "exposure" select ${uuid('user')}, 'SYM' || g % 9, (g - 45) * 0.00000001 + (g % 2) * 98765.4321, g * 3.5, ${at(2)}
       from generate_series(1, 90) g`,
    `insert into "order_track" select ${uuid('order')}, ${uuid('user')}, ${at(1)}, g % 3 <> 0, case when g % 3 = 0 then 'filled' end from generate_series(1, 60) g`,
    `insert into "blacklist_ref" select 'BL' || g, g % 2 = 0, case when g % 3 = 0 then null else 'reason ' || g end, ${at(11)} from generate_series(1, 12) g`,
    `insert into "risk_assessment" select ${uuid('assessment')}, ${uuid('order')}, ${uuid('user')}, 'SYM' || g % 9,
       case when g % 5 = 0 then 'rejected' else 'approved' end,
       jsonb_build_array(jsonb_build_object('rule', 'max_order_notional', 'passed', g % 5 <> 0, 'detail', 'notional ' || g * 100.25 || ' ≤ limit')),
       case when g % 5 = 0 then array['limit exceeded: ' || g, 'second "reason"'] else '{}'::text[] end, ${at(1)}
       from generate_series(1, 60) g`,
    `insert into "compliance_log" ("at", "actor", "kind", "subject", "payload", "prev_hash", "hash")
       select ${at(1)}, 'risk', 'assessment', 'order:' || g, jsonb_build_object('seq', g, 'decision', 'approved'), md5((g - 1)::text), md5(g::text)
       from generate_series(1, 30) g`,
    ...messaging('risk'),
  ],
  trading: [
    `insert into "instrument_ref" select 'SYM' || g, 'Company ' || g || ' “Ltd”', case when g % 5 = 0 then null else 'XNAS' end,
       case when g % 7 = 0 then 'delisted' else 'listed' end, case when g % 6 = 0 then null else g * 10.12345678 end, ${at(9)}, ${at(9)}
       from generate_series(1, 20) g`,
    `insert into "account" select ${uuid('user')}, (g * 1000.5) - 250.00000001, g * 0.5, ${at(1)} from generate_series(1, 30) g`,
    `insert into "activity" ("id", "user_id", "type", "amount", "cash_after", "at")
       select ${uuid('deposit')}, md5('user' || (g % 30 + 1))::uuid, 'deposit', g * 100.00000001, g * 100.00000001, ${at(2)} from generate_series(1, 60) g`,
    `insert into "order" select ${uuid('order')}, md5('user' || (g % 30 + 1))::uuid, 'idem-' || g, md5('req' || g), 'SYM' || (g % 20 + 1),
       case when g % 2 = 0 then 'buy' else 'sell' end, case when g % 3 = 0 then 'limit' else 'market' end, g * 0.001 + 1,
       case when g % 3 = 0 then g * 1.5 end, case when g % 4 = 0 then 'gtc' else 'day' end, g * 10.25, g * 10.5, 0, 0, null,
       (array['pending_risk', 'routed', 'rejected', 'cancelled'])[g % 4 + 1], case when g % 4 = 2 then 'limit exceeded' end, null, ${at(1)}, ${at(2)}
       from generate_series(1, 80) g`,
    `insert into "order_transition" ("order_id", "from_status", "status", "at", "reason", "cause")
       select md5('order' || (g % 80 + 1))::uuid, case when g % 2 = 0 then 'pending_risk' end, 'routed', ${at(1)}, null, 'risk.assessment.approved'
       from generate_series(1, 160) g`,
    `insert into "execution" select ${uuid('exec-row')}, ${uuid('exec')}, md5('order' || g)::uuid, md5('user' || (g % 30 + 1))::uuid, 'SYM' || (g % 20 + 1),
       case when g % 2 = 0 then 'buy' else 'sell' end, g * 0.001, g * 10.12345678, 'paper', ${at(3)} from generate_series(1, 40) g`,
    `insert into "position" select md5('user' || (g % 30 + 1))::uuid, 'SYM' || (g % 20 + 1), (g % 20) * 1.5, g * 10.1, (g - 22) * 0.33333333, ${at(4)}
       from generate_series(1, 45) g`,
    ...messaging('trading'),
  ],
};
