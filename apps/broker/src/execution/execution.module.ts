import { Module } from '@nestjs/common';
import { ConnectionsController } from '../connections/connections.controller';
import { ConnectionsService } from '../connections/connections.service';
import { LiveVenueRegistry } from '../venues/live-venue.registry';
import { PaperVenue } from '../venues/paper.venue';
import { VenueRouter } from '../venues/venue-router';
import { ExecutionBook } from './execution-book';
import { ExecutionConsumer } from './execution.consumer';
import { ExecutionService } from './execution.service';
import { VenueOrdersController } from './venue-orders.controller';

@Module({
  controllers: [ConnectionsController, VenueOrdersController],
  providers: [ExecutionBook, PaperVenue, LiveVenueRegistry, VenueRouter, ConnectionsService, ExecutionService, ExecutionConsumer],
})
export class ExecutionModule {}
