import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { migrations } from './migrations';

export const spec: ServiceSpec = { service: 'nocode', entities: [], migrations, consumers: [] };

@Module({})
export class AppModule {}
