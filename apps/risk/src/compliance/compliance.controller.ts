import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { ComplianceService } from './compliance.service';
import { logsQuery, type LogsQuery } from './dto/compliance.dto';

@Controller('api/v1/compliance/logs')
@Roles('compliance', 'admin')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Get()
  logs(@Query(new ZodPipe(logsQuery)) q: LogsQuery) {
    return this.compliance.logs(q);
  }

  @Get('verify')
  verify() {
    return this.compliance.verify();
  }
}
