import { z } from 'zod';
import { wire } from '@alphintra/platform-http';
import { BROKERS } from './connections.dto';

export const connectionResponse = z.object({
  id: wire.uuid(),
  broker: z.enum(BROKERS),
  mode: z.enum(['paper', 'live']),
  label: z.string(),
  apiKeyLast4: z.string().nullable().describe('the only part of the credentials ever shown'),
  createdAt: wire.timestamp(),
});
export const connectionListResponse = wire.page(connectionResponse);
export const connectionTestResponse = z.object({ ok: z.boolean(), detail: z.string() });
export const settingsResponse = z.object({ defaultConnectionId: wire.uuid().nullable(), slippageBps: z.number().int() });
