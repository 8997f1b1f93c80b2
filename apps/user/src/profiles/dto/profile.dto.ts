import { z } from 'zod';
import type { Profile } from '../profile.entity';
import { COUNTRIES, CURRENCIES } from './iso-codes';

const country = z
  .string()
  .toUpperCase()
  .refine((c) => COUNTRIES.has(c), 'must be an ISO 3166-1 alpha-2 country code such as "DE"');
const currency = z
  .string()
  .toUpperCase()
  .refine((c) => CURRENCIES.has(c), 'must be an ISO 4217 currency code such as "EUR"');

export const profileChange = z
  .strictObject({
    displayName: z.string().trim().min(1).max(100).nullable().optional(),
    country: country.nullable().optional(),
    baseCurrency: currency.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of displayName, country, baseCurrency');
export type ProfileChange = z.infer<typeof profileChange>;

export const profileView = (p: Profile) => ({
  userId: p.userId,
  email: p.email,
  displayName: p.displayName ?? null,
  country: p.country ?? null,
  baseCurrency: p.baseCurrency,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});
