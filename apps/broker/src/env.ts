import { loadServiceEnv } from '@alphintra/platform-http';

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('broker', 3006, {}, source);
