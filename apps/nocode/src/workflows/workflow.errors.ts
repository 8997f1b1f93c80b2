import { DomainError, type FieldError } from '@alphintra/platform-http';
import type { GraphError } from '../graph/graph';

export class WorkflowNotFoundError extends DomainError {
  constructor() {
    super('WORKFLOW.NOT_FOUND', 'not_found', 'No such workflow.');
  }
}

export class UnknownTemplateError extends DomainError {
  constructor(id: string) {
    super('WORKFLOW.UNKNOWN_TEMPLATE', 'unprocessable', `There is no template "${id}".`, [{ path: 'templateId', message: 'is not a known template' }]);
  }
}

type NodeFieldError = FieldError & GraphError;

/** The graph breaks a rule: each error names its node (`graph.nodes.<id>`) or edge. */
export class InvalidWorkflowError extends DomainError {
  constructor(errors: GraphError[]) {
    const fields = errors.map((e): NodeFieldError => ({ ...e, path: e.nodeId ? `graph.nodes.${e.nodeId}` : e.edgeId ? `graph.edges.${e.edgeId}` : 'graph' }));
    super('WORKFLOW.INVALID', 'unprocessable', `The workflow is not valid: ${errors.length} error(s).`, fields);
  }
}

export class BacktestRefusedError extends DomainError {
  constructor(detail: string) {
    super('WORKFLOW.BACKTEST_REFUSED', 'unprocessable', `Strategy refused the backtest: ${detail}`);
  }
}
