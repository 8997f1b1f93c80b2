import { loadServiceEnv } from '@alphintra/platform-http';

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('risk', 3005, {}, source);
