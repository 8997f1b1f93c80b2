import type { EventContract } from '../event-contract';
import * as auth from '../events/auth.events';
import * as marketdata from '../events/marketdata.events';
import * as marketdataStream from '../events/marketdata-stream.events';
import * as nocode from '../events/nocode.events';
import * as orderSaga from '../events/order-saga.events';
import * as platform from '../events/platform.events';
import * as riskAccount from '../events/risk-account.events';
import * as strategy from '../events/strategy.events';
import * as user from '../events/user.events';

/** The modules under `events/`; a new one is added here (a test fails until it is). */
export const EVENT_MODULES: Readonly<Record<string, Record<string, unknown>>> = {
  'auth.events': auth,
  'marketdata.events': marketdata,
  'marketdata-stream.events': marketdataStream,
  'nocode.events': nocode,
  'order-saga.events': orderSaga,
  'platform.events': platform,
  'risk-account.events': riskAccount,
  'strategy.events': strategy,
  'user.events': user,
};

export const isEventContract = (v: unknown): v is EventContract =>
  typeof v === 'object' && v !== null && ['type', 'version', 'topic', 'schema'].every((k) => k in v);

/** Every event contract of the platform, each (type, version) once. */
export const ALL_EVENTS: readonly EventContract[] = Object.values(EVENT_MODULES).flatMap((m) => Object.values(m).filter(isEventContract));
