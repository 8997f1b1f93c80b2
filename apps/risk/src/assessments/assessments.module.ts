import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { LimitsModule } from '../limits/limits.module';
import { AssessmentsController } from './assessments.controller';
import { AssessmentsService } from './assessments.service';
import { ReadModels } from './read-models';
import { RiskConsumer } from './risk.consumer';

@Module({ imports: [LimitsModule, AccountsModule], controllers: [AssessmentsController], providers: [AssessmentsService, ReadModels, RiskConsumer] })
export class AssessmentsModule {}
