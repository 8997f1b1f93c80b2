import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { Credentials } from './credentials';
import { LoginThrottle } from './login-throttle';
import { RefreshTokens } from './refresh-tokens';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [KeysModule],
  controllers: [SessionsController],
  providers: [SessionsService, LoginThrottle, Credentials, RefreshTokens],
})
export class SessionsModule {}
