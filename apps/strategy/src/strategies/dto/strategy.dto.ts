import { z } from 'zod';
import { limitParam } from '../../common/page';

/** The spec's shape and meaning are checked by the service (422 with a path per error), so here it is any object. */
export const createStrategyBody = z.object({ name: z.string().trim().min(1).max(200), spec: z.record(z.string(), z.unknown()) }).strict();
export type CreateStrategyBody = z.infer<typeof createStrategyBody>;

export const strategyParams = z.object({ id: z.uuid() });
export type StrategyParams = z.infer<typeof strategyParams>;

export const listStrategiesQuery = z.object({ limit: limitParam(), cursor: z.uuid().optional() });
export type ListStrategiesQuery = z.infer<typeof listStrategiesQuery>;
