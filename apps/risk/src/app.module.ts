import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { AuthModule } from '@alphintra/platform-auth';
import { AccountsModule } from './accounts/accounts.module';
import { AssessmentsModule } from './assessments/assessments.module';
import { RiskConsumer } from './assessments/risk.consumer';
import { ComplianceModule } from './compliance/compliance.module';
import { entities } from './entities';
import { LimitsModule } from './limits/limits.module';
import { migrations } from './migrations';

export const spec: ServiceSpec = { service: 'risk', entities, migrations, consumers: [RiskConsumer] };

@Module({ imports: [AuthModule.fromServiceEnv(), ComplianceModule, LimitsModule, AccountsModule, AssessmentsModule] })
export class AppModule {}
