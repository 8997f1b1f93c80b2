import { SetMetadata } from '@nestjs/common';

/**
 * Marks routes that need no access token (probes, metrics). The metadata key is the
 * contract with `@alphintra/platform-auth`'s guard, which this lib must not import.
 */
export const PUBLIC_ROUTE_METADATA = 'alphintra:public';
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE_METADATA, true);
