import { z } from 'zod';
import { ServiceClient, ServiceRejectedError, ServiceUnavailableError, type CallerHeaders } from '@alphintra/strategy-client';

const execution = z.looseObject({ id: z.uuid(), status: z.string(), backtestId: z.uuid().nullable() });
export type ExecutionFacts = z.infer<typeof execution>;

/**
 * Asks nocode, the owner of workflow executions, about one as the caller: nocode shows a caller
 * only their own, so "not found" also means "another user's".
 */
export class NocodeExecutions {
  constructor(private readonly nocode: ServiceClient) {}

  /** The caller's execution, or null when nocode shows the caller none of that id. */
  async ofCaller(id: string, caller: CallerHeaders): Promise<ExecutionFacts | null> {
    let body: unknown;
    try {
      body = await this.nocode.get(`/api/v1/nocode/executions/${encodeURIComponent(id)}`, caller);
    } catch (e) {
      if (e instanceof ServiceRejectedError && e.status === 404) return null;
      throw e;
    }
    const parsed = execution.safeParse(body);
    if (!parsed.success || parsed.data.id !== id) throw new ServiceUnavailableError(`nocode answered GET execution ${id} with an unexpected body`);
    return parsed.data;
  }
}
