import type { z } from 'zod';

/** One version of one event type: its name, its topic and the schema of its `data`. */
export interface EventContract<T extends z.ZodType = z.ZodType> {
  /** `<domain>.<entity>.<past-tense-verb>` */
  readonly type: string;
  readonly version: number;
  readonly topic: string;
  readonly schema: T;
}

export type EventData<C extends EventContract> = z.infer<C['schema']>;

export function defineEvent<T extends z.ZodType>(c: { type: string; version: number; topic: string; schema: T }): EventContract<T> {
  if (!/^[a-z]+\.[a-z-]+\.[a-z-]+$/.test(c.type)) throw new Error(`event type "${c.type}" is not <domain>.<entity>.<verb>`);
  return Object.freeze(c);
}

/** `alphintra.<domain>.<entity>.v<major>`: one topic per producing domain and entity. */
export const topicName = (domain: string, entity: string, major = 1): string => `alphintra.${domain}.${entity}.v${major}`;

export const dataSchemaUri = (c: Pick<EventContract, 'type' | 'version'>): string => `urn:alphintra:event:${c.type}:${c.version}`;
