import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const screenerResponse = z.object({
  id: wire.uuid(),
  name: z.string(),
  numeric: z.array(z.object({ filterId: wire.uuid(), min: wire.decimal().nullable(), max: wire.decimal().nullable() })),
  categorical: z.array(z.object({ filterId: wire.uuid(), values: z.array(z.string()) })),
  disabled: z.boolean(),
  disabledReason: z.string().nullable(),
  createdAt: wire.timestamp(),
});
export const screenerPageResponse = wire.page(screenerResponse);

/** Instruments as strategy describes them (see its `/instruments`), passed through. */
export const screenRunResponse = wire.list(z.looseObject({ symbol: z.string() }));
