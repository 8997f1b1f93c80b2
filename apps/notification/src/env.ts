import { loadServiceEnv } from '@alphintra/platform-http';

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('notification', 3008, {}, source);
