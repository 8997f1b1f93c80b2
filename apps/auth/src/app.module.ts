import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { AccessControlModule } from './access/access-control.module';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { entities } from './entities';
import { KeysModule } from './keys/keys.module';
import { migrations } from './migrations';
import { SessionsModule } from './sessions/sessions.module';

export const spec: ServiceSpec = { service: 'auth', entities, migrations, consumers: [] };

@Module({ imports: [AccessControlModule, AuditModule, KeysModule, AccountsModule, SessionsModule] })
export class AppModule {}
