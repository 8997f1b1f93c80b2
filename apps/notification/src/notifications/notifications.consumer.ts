import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccountStateChanged, BacktestCompleted, BacktestFailed, OrderExpired, OrderFilled, OrderRejected, PreferencesUpdated, UserRegistered } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { NotificationsService, type NewNotification } from './notifications.service';

/** Each event makes at most one notification (the inbox, and a unique source_event_id behind it). */
@Injectable()
export class NotificationsConsumer implements EventHandlerSource {
  constructor(private readonly svc: NotificationsService) {}

  private async notify(em: EntityManager, n: NewNotification): Promise<void> {
    await this.svc.create(em, n);
  }

  handlers() {
    return [
      onEvent(UserRegistered, (e, em) => this.svc.registered(em, e.data, e.id)),
      onEvent(PreferencesUpdated, (e, em) => this.svc.preferences(em, e.data)),
      onEvent(OrderFilled, (e, em) =>
        this.notify(em, {
          userId: e.data.userId,
          kind: 'order.filled',
          title: `Order filled: ${e.data.side} ${e.data.quantity} ${e.data.symbol}`,
          body: `Your ${e.data.side} order for ${e.data.quantity} ${e.data.symbol} was filled at an average price of ${e.data.avgFillPrice}.`,
          data: e.data,
          sourceEventId: e.id,
        }),
      ),
      onEvent(OrderRejected, (e, em) =>
        this.notify(em, {
          userId: e.data.userId,
          kind: 'order.rejected',
          title: `Order rejected: ${e.data.symbol}`,
          body: `Your order for ${e.data.symbol} was rejected: ${e.data.reasons.join('; ')}.`,
          data: e.data,
          sourceEventId: e.id,
        }),
      ),
      onEvent(OrderExpired, (e, em) =>
        this.notify(em, {
          userId: e.data.userId,
          kind: 'order.expired',
          title: `Order expired: ${e.data.symbol}`,
          body: `Your order for ${e.data.symbol} expired at the session close with ${e.data.filledQuantity} filled; what was left of it is cancelled.`,
          data: e.data,
          sourceEventId: e.id,
        }),
      ),
      onEvent(AccountStateChanged, (e, em) =>
        this.notify(em, {
          userId: e.data.userId,
          kind: `account.${e.data.state}`,
          title: e.data.state === 'active' ? 'Trading resumed' : e.data.state === 'halted' ? 'Trading halted' : 'Account is reduce-only',
          body:
            `Your account is now ${e.data.state.replace('_', '-')} (was ${e.data.previousState.replace('_', '-')}): ${e.data.reason}${/[.!?]$/.test(e.data.reason) ? '' : '.'}` +
            (e.data.cancelOpenOrders ? ' Open orders are being cancelled.' : '') +
            (e.data.flatten ? ' Positions are being closed at the market.' : ''),
          data: e.data,
          sourceEventId: e.id,
        }),
      ),
      onEvent(BacktestCompleted, (e, em) =>
        this.notify(em, {
          userId: e.data.userId,
          kind: 'backtest.completed',
          title: 'Backtest completed',
          body: `Your backtest finished with a total return of ${e.data.totalReturn} over ${e.data.trades} trades (max drawdown ${e.data.maxDrawdown}).`,
          data: e.data,
          sourceEventId: e.id,
        }),
      ),
      onEvent(BacktestFailed, (e, em) =>
        this.notify(em, {
          userId: e.data.userId,
          kind: 'backtest.failed',
          title: 'Backtest failed',
          body: `Your backtest failed: ${e.data.reason}`,
          data: e.data,
          sourceEventId: e.id,
        }),
      ),
    ];
  }
}
