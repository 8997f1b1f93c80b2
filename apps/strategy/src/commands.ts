import { ConfigError } from '@alphintra/platform-config';
import { seedDemoCommand, UsageError } from './demo-data/seed-demo.command';

/** Commands `main` runs instead of the server (`migrate` is the platform's own). */
export const COMMANDS: Record<string, (args: string[]) => Promise<unknown>> = { 'seed-demo': seedDemoCommand };

export function runCommand(command: (args: string[]) => Promise<unknown>, args: string[]): Promise<never> {
  return command(args).then(
    () => process.exit(0),
    (e: Error) => {
      process.stderr.write(`strategy: ${e instanceof UsageError || e instanceof ConfigError ? e.message : (e.stack ?? e.message)}\n`);
      process.exit(e instanceof UsageError ? 64 : e instanceof ConfigError ? 78 : 1);
    },
  );
}
