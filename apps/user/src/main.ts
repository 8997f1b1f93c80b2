import { runService } from '@alphintra/platform-http';
import { AppModule, spec } from './app.module';
import { loadEnv } from './env';
import { reconcileCommand } from './replicas/reconcile.command';

void (process.argv[2] === 'reconcile' ? reconcileCommand() : runService(spec, AppModule, loadEnv));
