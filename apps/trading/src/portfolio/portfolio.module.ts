import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { PortfolioController } from './portfolio.controller';
import { PortfolioService } from './portfolio.service';

@Module({ imports: [LedgerModule], controllers: [PortfolioController], providers: [PortfolioService] })
export class PortfolioModule {}
