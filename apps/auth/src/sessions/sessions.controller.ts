import { Body, Controller, Header, HttpCode, Ip, Post, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { loginBody, refreshTokenBody, type LoginBody, type RefreshTokenBody } from './dto/session.dto';
import { tokenPairResponse } from './dto/sessions.responses';
import { PASSWORD_HASHING_BUSY_TEXT, RetryAfterFilter } from './retry-after.filter';
import { SessionsService } from './sessions.service';

/** Tokens are never cached (RFC 6749 §5.1). */
@ApiTags('auth')
@Public()
@Controller('api/v1/auth')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('login')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @UseFilters(RetryAfterFilter)
  @ApiDoc({ body: loginBody, status: 200, response: tokenPairResponse, problems: [401, 429, 503], problemText: { 503: PASSWORD_HASHING_BUSY_TEXT } })
  login(@Body(new ZodPipe(loginBody)) body: LoginBody, @Ip() ip: string) {
    return this.sessions.login(body, ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiDoc({ body: refreshTokenBody, status: 200, response: tokenPairResponse, problems: [401] })
  refresh(@Body(new ZodPipe(refreshTokenBody)) { refreshToken }: RefreshTokenBody, @Ip() ip: string) {
    return this.sessions.refresh(refreshToken, ip);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiDoc({ body: refreshTokenBody, status: 204 })
  logout(@Body(new ZodPipe(refreshTokenBody)) { refreshToken }: RefreshTokenBody, @Ip() ip: string) {
    return this.sessions.logout(refreshToken, ip);
  }
}
