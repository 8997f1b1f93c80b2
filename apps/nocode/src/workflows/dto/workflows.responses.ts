import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

const port = z.object({ node: z.string(), port: z.string() });
/** A graph as stored: the shape `graphSchema` accepted when it was saved. */
const graphResponse = z.object({
  nodes: z.array(z.object({ id: z.string(), type: z.string(), params: z.record(z.string(), z.unknown()).optional(), position: z.object({ x: z.number(), y: z.number() }).optional() })),
  edges: z.array(z.object({ id: z.string().optional(), from: port, to: port })),
});

export const workflowResponse = z.object({ id: wire.uuid(), name: z.string(), version: z.number().int(), graph: graphResponse, createdAt: wire.timestamp() });
export const workflowPageResponse = wire.page(z.object({ id: wire.uuid(), name: z.string(), version: z.number().int(), createdAt: wire.timestamp() }));
export const templateListResponse = wire.page(z.object({ id: z.string(), name: z.string(), description: z.string(), graph: graphResponse }));
export const validationResponse = z.object({
  valid: z.boolean(),
  errors: z.array(z.object({ nodeId: z.string().optional(), edgeId: z.string().optional(), message: z.string() })),
});
export const publishedResponse = z.object({ workflowId: wire.uuid(), version: z.number().int() });
