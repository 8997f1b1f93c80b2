import { loadServiceEnv } from '@alphintra/platform-http';

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('nocode', 3007, {}, source);
