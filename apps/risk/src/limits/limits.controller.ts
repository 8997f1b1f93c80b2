import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { limitsBody, limitsParams, type LimitsBody } from './dto/limits.dto';
import { limitsResponse } from './dto/limits.responses';
import { LimitsService } from './limits.service';

@Controller('api/v1/risk/limits')
export class LimitsController {
  constructor(private readonly limits: LimitsService) {}

  @Get()
  @ApiDoc({ status: 200, response: limitsResponse })
  own(@CurrentUser() user: Principal) {
    return this.limits.view(user.userId);
  }

  @Put(':userId')
  @ApiDoc({ params: limitsParams, body: limitsBody, status: 200, response: limitsResponse })
  @Roles('compliance', 'admin')
  replace(@CurrentUser() user: Principal, @Param(new ZodPipe(limitsParams)) params: { userId: string }, @Body(new ZodPipe(limitsBody)) body: LimitsBody) {
    return this.limits.replace(params.userId, body, user.userId);
  }
}
