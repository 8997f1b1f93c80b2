import { Execution } from './executions/execution.entity';
import { Template, Workflow, WorkflowVersion } from './workflows/workflow.entity';

export const entities = [Workflow, WorkflowVersion, Template, Execution];
