import { z } from 'zod';

/** E-mail addresses are compared case-insensitively: they are kept lower-cased. */
export const email = z
  .email('must be an e-mail address')
  .max(254, 'must be at most 254 characters')
  .transform((e) => e.toLowerCase());

export const newPassword = z.string().min(12, 'must be at least 12 characters').max(128, 'must be at most 128 characters');
