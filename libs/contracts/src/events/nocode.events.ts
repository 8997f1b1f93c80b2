import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { isoTime } from '../schemas';
import { TOPICS } from '../topics';

/** The compiled strategy spec travels as JSON; strategy validates it against its own spec schema. */
export const WorkflowPublished = defineEvent({
  type: 'nocode.workflow.published',
  version: 1,
  topic: TOPICS.nocodeWorkflow,
  schema: z.object({
    workflowId: z.uuid(),
    version: z.number().int().positive(),
    userId: z.uuid(),
    name: z.string().min(1),
    spec: z.record(z.string(), z.unknown()),
    publishedAt: isoTime,
  }),
});
