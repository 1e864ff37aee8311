import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TokenVerifier } from '@onair/auth';
import { GoLiveChunkEvent } from '@onair/contracts';
import { EventPublisher } from '@onair/kafka';
import { SocialGraphClient } from '@onair/social-graph-client';
import { DataSource } from 'typeorm';
import { NOTIFICATIONS_CONFIG, notificationsKafkaOptions, type NotificationsConfig } from './config.js';
import { FanoutRunner } from './fanout/fanout-runner.js';
import { socialGraphAudience } from './fanout/social-graph-audience.js';
import { NotificationWriter } from './inbox/notification-writer.js';
import { CreatedReader } from './live-push/created-reader.js';
import { LiveStreams } from './live-push/live-streams.js';
import { sendDueReminders } from './replays/replay-reminders.js';
import { deleteExpired } from './retention/retention.js';

/**
 * The pod's live parts: the fan-out publisher and runner, the live streams and the reader that
 * feeds them, and the tick that sends due replay reminders and deletes what is kept no longer.
 */
@Injectable()
export class NotificationsRuntime implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log = new Logger('NotificationsRuntime');
  readonly publisher: EventPublisher;
  readonly socialGraph: SocialGraphClient;
  readonly fanout: FanoutRunner;
  readonly streams: LiveStreams;
  private readonly reader: CreatedReader;
  private tick?: NodeJS.Timeout;
  private ticks = 0;

  constructor(
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    private readonly dataSource: DataSource,
    private readonly writer: NotificationWriter,
    verifier: TokenVerifier,
  ) {
    const kafka = notificationsKafkaOptions(config);
    this.publisher = new EventPublisher(kafka, `notifications/${config.podId}`);
    this.socialGraph = new SocialGraphClient({ ...config.socialGraph, unavailable: () => new Error('social-graph is unavailable') });
    this.fanout = new FanoutRunner(dataSource, this.publisher, socialGraphAudience(this.socialGraph), {
      podId: config.podId,
      chunk: config.fanout.chunk,
      leaseMs: config.fanout.leaseMs,
    });
    this.streams = new LiveStreams(config.streams, (sid) => verifier.revoked?.isRevoked(sid) ?? false, config.streams.heartbeatMs);
    this.reader = new CreatedReader(kafka, config.podId, this.streams);
  }

  async onModuleInit(): Promise<void> {
    await this.publisher.start([GoLiveChunkEvent]);
    await this.reader.start();
    this.fanout.start();
    this.tick = setInterval(() => void this.housekeeping(), this.config.tickMs);
    this.tick.unref();
  }

  // Before the HTTP server closes: it waits for open responses, and a live stream never ends by
  // itself (the pod would hang until killed, its consumers never leaving their groups).
  beforeApplicationShutdown(): void {
    this.streams.closeAll();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.tick);
    await this.fanout.stop();
    await this.reader.stop();
    await this.publisher.stop();
    this.socialGraph.close();
  }

  ready(): Promise<boolean> {
    return this.publisher.ready();
  }

  private async housekeeping(): Promise<void> {
    try {
      await sendDueReminders(this.dataSource, this.writer);
      // Retention sweeps are cheap but need not run often.
      if (this.ticks++ % 12 === 0) await deleteExpired(this.dataSource, this.config.inboxRetentionDays);
    } catch (err) {
      this.log.warn(`housekeeping failed, again in ${this.config.tickMs / 1000} s: ${(err as Error).message}`);
    }
  }
}
