import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const logPageResponse = wire.page(
  z.object({
    seq: z.string().regex(/^\d+$/),
    at: wire.timestamp(),
    actor: z.string(),
    kind: z.string(),
    subject: z.string(),
    payload: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  }),
);

export const verifyResponse = z.object({ valid: z.boolean(), entries: z.number().int(), firstInvalidSeq: z.string().nullable() });
