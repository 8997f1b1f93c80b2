import { Body, Controller, Get, HttpCode, Ip, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, Roles, type Principal } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { ApiBodyFrom } from '../openapi';
import { AccountsService } from './accounts.service';
import { registerBody, type RegisterBody } from './dto/register.dto';
import { rolesBody, userIdParams, type RolesBody } from './dto/roles.dto';
import { RegistrationService } from './registration.service';

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
  @ApiBodyFrom(registerBody)
  register(@Body(new ZodPipe(registerBody)) body: RegisterBody, @Ip() ip: string) {
    return this.registration.register(body, { ip });
  }

  @Get('me')
  me(@CurrentUser() user: Principal) {
    return this.accounts.me(user.userId);
  }

  @Roles('admin')
  @Put('users/:userId/roles')
  @ApiBodyFrom(rolesBody)
  changeRoles(@Param(new ZodPipe(userIdParams)) { userId }: { userId: string }, @Body(new ZodPipe(rolesBody)) body: RolesBody, @CurrentUser() admin: Principal, @Ip() ip: string) {
    return this.accounts.changeRoles(admin.userId, userId, body, ip);
  }
}
