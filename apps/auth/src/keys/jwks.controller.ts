import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@alphintra/platform-auth';
import { ApiDoc } from '@alphintra/platform-http';
import { jwksResponse } from '../sessions/dto/sessions.responses';
import { SigningKeyRing } from './signing-key-ring';

@ApiTags('auth')
@Controller('api/v1/auth/.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeyRing) {}

  @Public()
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=60')
  @ApiDoc({ status: 200, response: jwksResponse })
  async jwks() {
    return { keys: await this.keys.published() };
  }
}
