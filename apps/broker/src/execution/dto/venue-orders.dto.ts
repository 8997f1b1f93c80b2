import { z } from 'zod';

export const venueOrdersQuery = z.strictObject({ orderId: z.uuid() });
export type VenueOrdersQuery = z.infer<typeof venueOrdersQuery>;
