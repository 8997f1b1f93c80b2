/** A job whose worker has not finished it within the lease is taken to have crashed and is claimed again. */
export const LEASE_SECONDS = 300;
/** Claims beyond this (crash loops) fail the job instead of running it again. */
export const MAX_ATTEMPTS = 3;
