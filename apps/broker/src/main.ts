import { runService } from '@alphintra/platform-http';
import { AppModule, spec } from './app.module';
import { rotateKekCommand } from './credentials/rotate-kek.command';
import { loadEnv } from './env';

void (process.argv[2] === 'rotate-kek' ? rotateKekCommand() : runService(spec, AppModule, loadEnv));
