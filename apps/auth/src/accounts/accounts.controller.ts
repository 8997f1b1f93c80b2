import { Body, Controller, Get, HttpCode, Ip, Param, Post, Put, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, Roles, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { AccountsService } from './accounts.service';
import { meResponse, registeredUserResponse, userRolesResponse } from './dto/accounts.responses';
import { registerBody, type RegisterBody } from './dto/register.dto';
import { rolesBody, userIdParams, type RolesBody } from './dto/roles.dto';
import { RegistrationService } from './registration.service';
import { PASSWORD_HASHING_BUSY_TEXT, RetryAfterFilter } from '../sessions/retry-after.filter';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/v1/auth')
export class AccountsController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly accounts: AccountsService,
  ) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  @UseFilters(RetryAfterFilter)
  @ApiDoc({ body: registerBody, status: 201, response: registeredUserResponse, problems: [409, 503], problemText: { 503: PASSWORD_HASHING_BUSY_TEXT } })
  register(@Body(new ZodPipe(registerBody)) body: RegisterBody, @Ip() ip: string) {
    return this.registration.register(body, { ip });
  }

  @Get('me')
  @ApiDoc({ status: 200, response: meResponse, problems: [404] })
  me(@CurrentUser() user: Principal) {
    return this.accounts.me(user.userId);
  }

  @Roles('admin')
  @Put('users/:userId/roles')
  @ApiDoc({ params: userIdParams, body: rolesBody, status: 200, response: userRolesResponse, problems: [404] })
  changeRoles(@Param(new ZodPipe(userIdParams)) { userId }: { userId: string }, @Body(new ZodPipe(rolesBody)) body: RolesBody, @CurrentUser() admin: Principal, @Ip() ip: string) {
    return this.accounts.changeRoles(admin.userId, userId, body, ip);
  }
}
