import { Module } from '@nestjs/common';
import { FilterReplica } from './filter-replica';
import { InstrumentReplica } from './instrument-replica';
import { ReplicasConsumer } from './replicas.consumer';

@Module({ providers: [InstrumentReplica, FilterReplica, ReplicasConsumer] })
export class ReplicasModule {}
