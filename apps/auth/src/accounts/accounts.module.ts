import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { BootstrapAdmin } from './bootstrap-admin';
import { RegistrationService } from './registration.service';
import { SessionsModule } from '../sessions/sessions.module';

@Module({
  imports: [SessionsModule],
  controllers: [AccountsController],
  providers: [RegistrationService, AccountsService, BootstrapAdmin],
})
export class AccountsModule {}
