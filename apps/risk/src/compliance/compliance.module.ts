import { Global, Module } from '@nestjs/common';
import { ComplianceLog } from './compliance-log';
import { ComplianceController } from './compliance.controller';
import { ComplianceService } from './compliance.service';

@Global()
@Module({ controllers: [ComplianceController], providers: [ComplianceLog, ComplianceService], exports: [ComplianceLog] })
export class ComplianceModule {}
