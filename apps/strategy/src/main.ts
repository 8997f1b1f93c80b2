import { runService } from '@alphintra/platform-http';
import { AppModule, spec } from './app.module';
import { loadEnv } from './env';

void runService(spec, AppModule, loadEnv);
