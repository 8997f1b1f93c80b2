import { runService } from '@alphintra/platform-http';
import { AppModule, spec } from './app.module';
import { COMMANDS, runCommand } from './commands';
import { loadCommandEnv, loadEnv } from './env';

const [name = '', ...args] = process.argv.slice(2);
const command = COMMANDS[name];
// `migrate` (the platform's) verifies no tokens either, so it needs no AUTH_* variables.
void (command ? runCommand(command, args) : runService(spec, AppModule, name === 'migrate' ? loadCommandEnv : loadEnv));
