import { Module } from '@nestjs/common';
import { MarketModule } from '../market/market.module';
import { BarsController } from './bars.controller';
import { BarsService } from './bars.service';
import { CsvBodyParser } from './csv-body.parser';

@Module({ imports: [MarketModule], controllers: [BarsController], providers: [BarsService, CsvBodyParser] })
export class BarsModule {}
