import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { ComplianceService } from './compliance.service';
import { logsQuery, type LogsQuery } from './dto/compliance.dto';
import { logPageResponse, verifyResponse } from './dto/compliance.responses';

@Controller('api/v1/compliance/logs')
@Roles('compliance', 'admin')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Get()
  @ApiDoc({ query: logsQuery, status: 200, response: logPageResponse })
  logs(@Query(new ZodPipe(logsQuery)) q: LogsQuery) {
    return this.compliance.logs(q);
  }

  @Get('verify')
  @ApiDoc({ status: 200, response: verifyResponse })
  verify() {
    return this.compliance.verify();
  }
}
