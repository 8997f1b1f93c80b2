import { runService } from '@alphintra/platform-http';
import { AppModule, spec } from './app.module';
import { loadEnv } from './env';
import { rotateKeysCommand } from './keys/rotate-keys.command';

void (process.argv[2] === 'rotate-keys' ? rotateKeysCommand() : runService(spec, AppModule, loadEnv));
