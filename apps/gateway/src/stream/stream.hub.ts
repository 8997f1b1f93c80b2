import type { StreamClient } from './stream-client';
import { CLOSE, frame, type Subscription } from './stream.protocol';

export interface HubLimits {
  maxConnectionsPerUser: number;
  /** Distinct quote and bar symbols over all of one user's connections. */
  maxSymbolsPerUser: number;
  /** Latest quotes kept to greet a new subscriber of their symbol. */
  maxKnownSymbols: number;
}

type Flag = 'trades' | 'account';

/** Who is subscribed to what, and the fan-out of a frame to exactly those clients. */
export class StreamHub {
  private readonly byUser = new Map<string, Set<StreamClient>>();
  private readonly quoteSubs = new Map<string, Set<StreamClient>>();
  private readonly barSubs = new Map<string, Set<StreamClient>>();
  private readonly lastQuote = new Map<string, string>();

  constructor(private readonly limits: HubLimits) {}

  /** Counts `c` as a connection of its user; false (and `c` closed with 4029) past the user's limit. */
  join(c: StreamClient): boolean {
    const mine = this.byUser.get(c.userId!) ?? new Set<StreamClient>();
    if (!mine.has(c) && mine.size >= this.limits.maxConnectionsPerUser) {
      c.close(CLOSE.tooManyConnections, 'too_many_connections', `at most ${this.limits.maxConnectionsPerUser} stream connections per user`);
      return false;
    }
    this.byUser.set(c.userId!, mine.add(c));
    return true;
  }

  /** Adds what `s` names; false (and `c` closed with 4030) when its user would hold too many symbols. */
  subscribe(c: StreamClient, s: Subscription): boolean {
    const added = [...(s.quotes ?? []), ...(s.bars ?? [])];
    const held = new Set(added);
    for (const other of this.byUser.get(c.userId!) ?? []) for (const sym of [...other.quotes, ...other.bars]) held.add(sym);
    if (held.size > this.limits.maxSymbolsPerUser) {
      c.close(CLOSE.tooManySymbols, 'too_many_symbols', `at most ${this.limits.maxSymbolsPerUser} symbols per user`);
      return false;
    }
    const fresh = (s.quotes ?? []).filter((sym) => !c.quotes.has(sym));
    for (const sym of s.quotes ?? []) this.add(this.quoteSubs, sym, c, c.quotes);
    for (const sym of s.bars ?? []) this.add(this.barSubs, sym, c, c.bars);
    if (s.trades) c.trades = true;
    if (s.account) c.account = true;
    c.send(frame('subscription', this.subscriptionOf(c)));
    for (const sym of fresh) {
      const q = this.lastQuote.get(sym);
      if (q) c.send(q);
    }
    return true;
  }

  unsubscribe(c: StreamClient, s: Subscription): void {
    for (const sym of s.quotes ?? []) this.remove(this.quoteSubs, sym, c, c.quotes);
    for (const sym of s.bars ?? []) this.remove(this.barSubs, sym, c, c.bars);
    if (s.trades) c.trades = false;
    if (s.account) c.account = false;
    c.send(frame('subscription', this.subscriptionOf(c)));
  }

  /** Forgets a closed client everywhere. */
  leave(c: StreamClient): void {
    for (const sym of [...c.quotes]) this.remove(this.quoteSubs, sym, c, c.quotes);
    for (const sym of [...c.bars]) this.remove(this.barSubs, sym, c, c.bars);
    const mine = c.userId === undefined ? undefined : this.byUser.get(c.userId);
    if (mine?.delete(c) && mine.size === 0) this.byUser.delete(c.userId!);
  }

  quote(symbol: string, text: string): void {
    if (this.lastQuote.has(symbol) || this.lastQuote.size < this.limits.maxKnownSymbols) this.lastQuote.set(symbol, text);
    for (const c of this.quoteSubs.get(symbol) ?? []) c.send(text);
  }

  bar(symbol: string, text: string): void {
    for (const c of this.barSubs.get(symbol) ?? []) c.send(text);
  }

  /** To the user's connections that asked for `flag`. */
  toUser(userId: string, flag: Flag, text: string): void {
    for (const c of this.byUser.get(userId) ?? []) if (c[flag]) c.send(text);
  }

  subscriptionOf(c: StreamClient): Required<Subscription> {
    return { quotes: [...c.quotes].sort(), bars: [...c.bars].sort(), trades: c.trades, account: c.account };
  }

  private add(index: Map<string, Set<StreamClient>>, sym: string, c: StreamClient, own: Set<string>): void {
    own.add(sym);
    index.set(sym, (index.get(sym) ?? new Set()).add(c));
  }

  private remove(index: Map<string, Set<StreamClient>>, sym: string, c: StreamClient, own: Set<string>): void {
    own.delete(sym);
    const subs = index.get(sym);
    if (subs?.delete(c) && subs.size === 0) index.delete(sym);
  }
}
