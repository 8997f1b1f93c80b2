import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { PasswordHashing } from '../passwords/password-hashing';
import { Credentials } from './credentials';
import { LoginThrottle } from './login-throttle';
import { RefreshTokens } from './refresh-tokens';
import { RevokedSessions } from './revoked-sessions';
import { RevokedSessionsController } from './revoked-sessions.controller';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [KeysModule],
  controllers: [SessionsController, RevokedSessionsController],
  providers: [SessionsService, LoginThrottle, Credentials, PasswordHashing, RefreshTokens, RevokedSessions],
  exports: [RevokedSessions, PasswordHashing],
})
export class SessionsModule {}
