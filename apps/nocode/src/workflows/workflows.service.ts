import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowPublished } from '@alphintra/contracts';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { uuidv7 } from '@alphintra/platform-database';
import { pageOf, type PageQuery } from '@alphintra/platform-http';
import { compileWorkflow, type StrategySpec } from '../graph/compile';
import type { Graph, GraphError } from '../graph/graph';
import { workflowSummary, workflowView, type CreateBody, type UpdateBody } from './dto/workflow.dto';
import { Template, Workflow, WorkflowVersion } from './workflow.entity';
import { InvalidWorkflowError, UnknownTemplateError, WorkflowNotFoundError } from './workflow.errors';

export interface CompiledWorkflow {
  workflow: Workflow;
  version: number;
  spec: StrategySpec;
}

@Injectable()
export class WorkflowsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
  ) {}

  async templates() {
    const rows = await this.em.find(Template, {}, { orderBy: { id: 'asc' } });
    return { items: rows.map((t) => ({ id: t.id, name: t.name, description: t.description, graph: t.graph })), nextCursor: null };
  }

  async create(userId: string, body: CreateBody) {
    return this.em.transactional(async (em) => {
      let graph = body.graph as Graph | undefined;
      if (body.templateId !== undefined) {
        const template = await em.findOne(Template, { id: body.templateId });
        if (!template) throw new UnknownTemplateError(body.templateId);
        graph = template.graph;
      }
      const workflow = em.create(Workflow, { id: uuidv7(), userId, name: body.name, currentVersion: 1 });
      await em.flush(); // the ORM knows no relation between the two, so it cannot order the inserts itself
      em.create(WorkflowVersion, { workflowId: workflow.id, version: 1, graph: graph! });
      await em.flush();
      return workflowView(workflow, 1, graph!);
    });
  }

  async list(userId: string, page: PageQuery) {
    const rows = await this.em.find(Workflow, { userId, ...(page.cursor && { id: { $gt: page.cursor } }) }, { orderBy: { id: 'asc' }, limit: page.limit + 1 });
    return pageOf(rows, page.limit, (w) => w.id, workflowSummary);
  }

  async get(userId: string, id: string) {
    const { workflow, graph } = await this.current(this.em, userId, id);
    return workflowView(workflow, workflow.currentVersion, graph);
  }

  /** Stores the graph as the next version; the row lock keeps concurrent saves from sharing a number. */
  async update(userId: string, id: string, body: UpdateBody) {
    return this.em.transactional(async (em) => {
      const [row] = await em.execute<{ current_version: number }[]>(
        `select "current_version" from "nocode_data"."workflow" where "id" = ? and "user_id" = ? for update`,
        [id, userId],
      );
      if (!row) throw new WorkflowNotFoundError();
      const version = row.current_version + 1;
      em.create(WorkflowVersion, { workflowId: id, version, graph: body.graph as Graph });
      await em.flush();
      await em.nativeUpdate(Workflow, { id }, { currentVersion: version, ...(body.name !== undefined && { name: body.name }) });
      const workflow = await em.findOneOrFail(Workflow, { id }, { refresh: true });
      return workflowView(workflow, version, body.graph as Graph);
    });
  }

  /** Valid means strategy accepts what the workflow compiles to. */
  async validate(userId: string, id: string): Promise<{ valid: boolean; errors: GraphError[] }> {
    const { graph } = await this.current(this.em, userId, id);
    const r = compileWorkflow(graph);
    return r.ok ? { valid: true, errors: [] } : { valid: false, errors: r.errors };
  }

  /** Compiles the current version (422 naming each node's error if it is not valid). */
  async compile(em: EntityManager, userId: string, id: string): Promise<CompiledWorkflow> {
    const { workflow, graph } = await this.current(em, userId, id);
    const r = compileWorkflow(graph);
    if (!r.ok) throw new InvalidWorkflowError(r.errors);
    return { workflow, version: workflow.currentVersion, spec: r.spec };
  }

  async publish(userId: string, id: string) {
    return this.em.transactional(async (em) => {
      const { workflow, version, spec } = await this.compile(em, userId, id);
      await this.outbox.record(em, WorkflowPublished, workflow.id, {
        workflowId: workflow.id,
        version,
        userId,
        name: workflow.name,
        spec: spec as unknown as Record<string, unknown>,
        publishedAt: new Date().toISOString(),
      });
      return { workflowId: workflow.id, version };
    });
  }

  /** Another user's workflow is as absent as one that never existed. */
  async owned(em: EntityManager, userId: string, id: string): Promise<Workflow> {
    const workflow = await em.findOne(Workflow, { id, userId });
    if (!workflow) throw new WorkflowNotFoundError();
    return workflow;
  }

  private async current(em: EntityManager, userId: string, id: string): Promise<{ workflow: Workflow; graph: Graph }> {
    const workflow = await this.owned(em, userId, id);
    const version = await em.findOneOrFail(WorkflowVersion, { workflowId: id, version: workflow.currentVersion });
    return { workflow, graph: version.graph };
  }
}
