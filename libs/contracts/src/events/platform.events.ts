import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { TOPICS } from '../topics';

/** Used by the messaging library's own tests and benchmark: a counter bump per aggregate. */
export const ProbeRecorded = defineEvent({
  type: 'platform.probe.recorded',
  version: 1,
  topic: TOPICS.platformProbe,
  schema: z.object({ key: z.string().min(1), seq: z.number().int().nonnegative(), payload: z.string().optional() }),
});
