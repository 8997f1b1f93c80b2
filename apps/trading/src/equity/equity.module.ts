import { Module } from '@nestjs/common';
import { EquitySweepService } from './equity-sweep.service';
import { EquityController } from './equity.controller';
import { EquityService } from './equity.service';

@Module({ controllers: [EquityController], providers: [EquityService, EquitySweepService] })
export class EquityModule {}
