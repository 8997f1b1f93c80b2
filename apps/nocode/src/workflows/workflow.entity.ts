import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import type { Graph } from '../graph/graph';

export const Workflow = defineEntity({
  name: 'Workflow',
  tableName: 'workflow',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    name: p.text(),
    currentVersion: p.integer(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type Workflow = InferEntity<typeof Workflow>;

/** Every saved graph of a workflow; versions are never changed, a PUT adds one. */
export const WorkflowVersion = defineEntity({
  name: 'WorkflowVersion',
  tableName: 'workflow_version',
  properties: {
    workflowId: p.uuid().primary(),
    version: p.integer().primary(),
    graph: p.json<Graph>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type WorkflowVersion = InferEntity<typeof WorkflowVersion>;

export const Template = defineEntity({
  name: 'Template',
  tableName: 'template',
  properties: {
    id: p.text().primary(),
    name: p.text(),
    description: p.text(),
    graph: p.json<Graph>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type Template = InferEntity<typeof Template>;
