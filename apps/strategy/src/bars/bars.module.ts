import { Module } from '@nestjs/common';
import { BarsController } from './bars.controller';
import { BarsService } from './bars.service';
import { CsvBodyParser } from './csv-body.parser';

@Module({ controllers: [BarsController], providers: [BarsService, CsvBodyParser] })
export class BarsModule {}
