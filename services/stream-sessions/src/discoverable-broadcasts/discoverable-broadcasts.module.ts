import { Module } from '@nestjs/common';
import { DiscoverableBroadcastsController } from './discoverable-broadcasts.controller.js';
import { DiscoverableBroadcastsReader } from './discoverable-broadcasts-reader.js';

/** StreamDiscoverableBroadcasts: what discovery may show, for it to build its index from. */
@Module({ controllers: [DiscoverableBroadcastsController], providers: [DiscoverableBroadcastsReader] })
export class DiscoverableBroadcastsModule {}
