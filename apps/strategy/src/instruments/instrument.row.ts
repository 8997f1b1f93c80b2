import { instrumentView, type InstrumentView } from './dto/instrument.dto';

/** The select list of raw queries that answer instruments (screens), NUMERIC columns as text. */
export const INSTRUMENT_COLUMNS = `"symbol", "name", "exchange", "sector", "industry", "country", "currency", "market_cap"::text as "market_cap",
  "pe_ratio"::text as "pe_ratio", "last_price"::text as "last_price", "change_1d_pct"::text as "change_1d_pct", "volume"::text as "volume", "status"`;

export interface InstrumentRow {
  symbol: string;
  name: string;
  exchange: string;
  sector: string | null;
  industry: string | null;
  country: string | null;
  currency: string;
  market_cap: string;
  pe_ratio: string | null;
  last_price: string | null;
  change_1d_pct: string | null;
  volume: string | null;
  status: 'listed' | 'delisted';
}

export const instrumentFromRow = (r: InstrumentRow): InstrumentView =>
  instrumentView({ ...r, marketCap: r.market_cap, peRatio: r.pe_ratio, lastPrice: r.last_price, change1dPct: r.change_1d_pct } );
