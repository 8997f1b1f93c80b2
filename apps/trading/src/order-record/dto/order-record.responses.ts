import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const publicKeyResponse = z.object({
  algorithm: z.literal('Ed25519'),
  /** The first 16 hex digits of sha256 of the raw key: what each checkpoint names. */
  keyId: z.string(),
  /** The raw 32-byte public key, base64. */
  publicKey: z.string(),
});

export const orderRecordVerifyResponse = z.object({
  valid: z.boolean(),
  entries: z.number().int(),
  firstInvalidSeq: z.string().nullable(),
  problem: z.string().nullable(),
  checkpoints: z.number().int(),
  lastCheckpoint: z
    .object({ id: z.string(), entries: z.number().int(), headSeq: z.string(), headHash: z.string(), at: wire.timestamp(), keyId: z.string() })
    .nullable(),
  publicKey: publicKeyResponse,
});
