import { loadServiceEnv } from '@alphintra/platform-http';

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('auth', 3001, {}, source);
