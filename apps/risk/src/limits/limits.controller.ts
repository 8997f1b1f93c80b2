import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { limitsBody, limitsParams, type LimitsBody } from './dto/limits.dto';
import { LimitsService } from './limits.service';

@Controller('api/v1/risk/limits')
export class LimitsController {
  constructor(private readonly limits: LimitsService) {}

  @Get()
  own(@CurrentUser() user: Principal) {
    return this.limits.view(user.userId);
  }

  @Put(':userId')
  @Roles('compliance', 'admin')
  replace(@CurrentUser() user: Principal, @Param(new ZodPipe(limitsParams)) params: { userId: string }, @Body(new ZodPipe(limitsBody)) body: LimitsBody) {
    return this.limits.replace(params.userId, body, user.userId);
  }
}
