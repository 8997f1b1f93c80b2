import { Module } from '@nestjs/common';
import { AccountStates } from './account-states';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { LossMonitor } from './loss-monitor.service';

@Module({ controllers: [AccountsController], providers: [AccountStates, AccountsService, LossMonitor], exports: [LossMonitor] })
export class AccountsModule {}
