import type { Infra } from '@alphintra/devinfra';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __alphintraInfra?: Infra }).__alphintraInfra?.stop();
}
