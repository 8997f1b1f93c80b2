import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** A notification's delivery over one external channel; its attempts are in `delivery_attempt`. */
export const Delivery = defineEntity({
  name: 'Delivery',
  tableName: 'delivery',
  properties: {
    id: p.uuid().primary(),
    notificationId: p.uuid(),
    userId: p.uuid(),
    channel: p.enum(['email', 'webhook'] as const),
    target: p.text(),
    status: p.enum(['pending', 'sent', 'failed'] as const),
    attempts: p.integer(),
    lastError: p.text().nullable(),
    nextAttemptAt: p.datetime(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Delivery = InferEntity<typeof Delivery>;
