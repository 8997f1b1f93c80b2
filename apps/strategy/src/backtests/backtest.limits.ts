/** A running job's worker renews its lease every third of it; a job whose lease ran out (its worker died) is claimed again. */
export const LEASE_SECONDS = 300;
/** Claims beyond this (crash loops) fail the job instead of running it again. */
export const MAX_ATTEMPTS = 3;
/** Every enqueue announces on this channel (on commit); each replica's worker listens and claims at once. */
export const BACKTEST_JOBS_CHANNEL = 'strategy_data_backtest';
