import { Module } from '@nestjs/common';
import { LiveOverviewController } from './live-overview.controller.js';
import { LiveOverviewReader } from './live-overview-reader.js';

/** ListLiveBroadcasts, GetBroadcastOverview and ListSfuNodes: what ops shows operators of the platform live. */
@Module({ controllers: [LiveOverviewController], providers: [LiveOverviewReader] })
export class LiveOverviewModule {}
