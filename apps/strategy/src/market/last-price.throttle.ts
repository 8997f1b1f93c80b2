export interface LastPrice {
  symbol: string;
  price: string;
  at: number;
}

/**
 * At most one `marketdata.price.updated` per symbol per interval, so the order pipeline (trading and
 * broker consume every one through their inbox) is not flooded; the latest price of an interval is
 * sent at its end, so the last word is always the latest trade.
 */
export class LastPriceThrottle {
  private readonly sentAt = new Map<string, number>();
  private readonly held = new Map<string, { price: string; at: number }>();

  constructor(private readonly intervalMs: number) {}

  /** The prices to send now, given a trade (or none) at `now`. */
  offer(symbol: string, price: string, at: number): LastPrice[] {
    this.held.set(symbol, { price, at });
    return this.release(symbol, at);
  }

  /** Held prices whose interval has passed by `now`. */
  due(now: number): LastPrice[] {
    return [...this.held.keys()].flatMap((symbol) => this.release(symbol, now));
  }

  private release(symbol: string, now: number): LastPrice[] {
    const p = this.held.get(symbol);
    if (!p || now - (this.sentAt.get(symbol) ?? -Infinity) < this.intervalMs) return [];
    this.sentAt.set(symbol, now);
    this.held.delete(symbol);
    return [{ symbol, ...p }];
  }
}
