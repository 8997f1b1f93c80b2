import { z } from 'zod';
import { decimalString, symbol } from '@alphintra/contracts';
import { graphSchema, type Graph } from '../../graph/graph';
import type { Workflow } from '../workflow.entity';

const name = z.string().trim().min(1).max(100);

export const createBody = z
  .strictObject({ name, graph: graphSchema.optional(), templateId: z.string().trim().min(1).max(64).optional() })
  .superRefine((b, ctx) => {
    if ((b.graph === undefined) === (b.templateId === undefined)) ctx.addIssue({ code: 'custom', path: ['graph'], message: 'give either graph or templateId' });
  });
export type CreateBody = z.infer<typeof createBody>;

export const updateBody = z.strictObject({ name: name.optional(), graph: graphSchema });
export type UpdateBody = z.infer<typeof updateBody>;

export const workflowParams = z.object({ id: z.uuid() });

const isoDate = z.iso.date();
export const runBody = z
  .strictObject({
    symbols: z.array(z.string().trim().toUpperCase().pipe(symbol)).min(1).max(50),
    from: isoDate,
    to: isoDate,
    initialCapital: decimalString.refine((v) => Number(v) > 0, 'must be greater than 0'),
    commissionBps: z.number().int().min(0).max(10_000).default(0),
    slippageBps: z.number().int().min(0).max(10_000).default(0),
  })
  .refine((b) => b.from < b.to, { path: ['to'], message: 'must be after from' });
export type RunBody = z.infer<typeof runBody>;

export const workflowView = (w: Workflow, version: number, graph: Graph) => ({ id: w.id, name: w.name, version, graph, createdAt: w.createdAt.toISOString() });
export const workflowSummary = (w: Workflow) => ({ id: w.id, name: w.name, version: w.currentVersion, createdAt: w.createdAt.toISOString() });
