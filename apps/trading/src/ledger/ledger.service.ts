import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { applyLedger, noPosition, type AccountBalances, type LedgerEntry, type LedgerResult, type PositionBalances } from './ledger';
import { LedgerRepository, type AccountStatus, type ExecutionRecord } from './ledger.repository';

/** An account (and position) locked for the rest of the caller's transaction. */
export interface Held {
  userId: string;
  symbol: string | null;
  account: AccountBalances;
  status: AccountStatus;
  position: PositionBalances;
}

/**
 * The only code that moves cash or shares: locks the account (and position), applies the
 * entries through the pure ledger, and writes balances, activities and the fill's execution.
 * Runs in the caller's transaction; a refused entry list throws and rolls everything back.
 */
@Injectable()
export class LedgerService {
  async lock(em: EntityManager, userId: string, symbol: string | null): Promise<Held> {
    const held = await LedgerRepository.lock(em, userId, symbol);
    return { userId, symbol, account: held.account, status: held.status, position: held.position ?? noPosition() };
  }

  async post(
    em: EntityManager,
    held: Held,
    entries: readonly LedgerEntry[],
    o: { orderId?: string; execution?: ExecutionRecord; at?: Date } = {},
  ): Promise<LedgerResult & { activityIds: string[] }> {
    const result = applyLedger(held.account, held.position, entries);
    const activityIds = await LedgerRepository.write(em, held.userId, held.symbol, result, { ...o, at: o.at ?? new Date() });
    Object.assign(held, { account: result.account, position: result.position });
    return { ...result, activityIds };
  }
}
