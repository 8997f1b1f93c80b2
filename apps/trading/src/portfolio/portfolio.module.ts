import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { OrdersModule } from '../orders/orders.module';
import { PortfolioController } from './portfolio.controller';
import { PortfolioService } from './portfolio.service';
import { PositionsController } from './positions.controller';

@Module({ imports: [LedgerModule, OrdersModule], controllers: [PortfolioController, PositionsController], providers: [PortfolioService] })
export class PortfolioModule {}
