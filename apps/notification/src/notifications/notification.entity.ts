import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** One notification of a user, created from one event (`source_event_id`). */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    kind: p.text(),
    title: p.text(),
    body: p.text(),
    data: p.json<Record<string, unknown>>(),
    inApp: p.boolean(),
    sourceEventId: p.uuid().unique(),
    readAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});
export type Notification = InferEntity<typeof Notification>;
