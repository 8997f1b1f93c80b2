import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { AccountsService } from './accounts.service';
import { accountParams, haltBody, resumeBody, type HaltBody, type ResumeBody } from './dto/accounts.dto';
import { accountResponse } from './dto/accounts.responses';

/** An account's trading state: the owner's own (a kill switch), or anyone's for compliance and admin. */
@Controller('api/v1/risk/accounts/:userId')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiDoc({ params: accountParams, status: 200, response: accountResponse, problems: [404] })
  view(@CurrentUser() user: Principal, @Param(new ZodPipe(accountParams)) p: { userId: string }) {
    return this.accounts.view(user, p.userId);
  }

  /** halted refuses every order, reduce_only every buy; trading cancels open orders and flattens when asked. */
  @Post('halt')
  @HttpCode(200)
  @ApiDoc({ params: accountParams, body: haltBody, status: 200, response: accountResponse, problems: [403, 404] })
  halt(@CurrentUser() user: Principal, @Param(new ZodPipe(accountParams)) p: { userId: string }, @Body(new ZodPipe(haltBody)) body: HaltBody) {
    return this.accounts.halt(user, p.userId, body);
  }

  /** The owner lifts only a halt they set; compliance and admin lift any. */
  @Post('resume')
  @HttpCode(200)
  @ApiDoc({ params: accountParams, body: resumeBody, status: 200, response: accountResponse, problems: [403, 404, 409] })
  resume(@CurrentUser() user: Principal, @Param(new ZodPipe(accountParams)) p: { userId: string }, @Body(new ZodPipe(resumeBody)) body: ResumeBody) {
    return this.accounts.resume(user, p.userId, body);
  }
}
