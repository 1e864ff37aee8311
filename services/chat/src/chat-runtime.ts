import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { remoteKeys } from '@onair/auth';
import { ChatMessagePostedEvent, HeartsBurstEvent } from '@onair/contracts';
import { EventPublisher, Outbox, prefixed } from '@onair/kafka';
import { Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import { CHAT_CONFIG, chatKafkaOptions, type ChatConfig } from './config.js';
import type { LocalRoom, RoomSocket } from './delivery/local-room.js';
import { LocalRooms } from './delivery/local-rooms.js';
import { PartitionFeeds } from './delivery/partition-feeds.js';
import { ROOM_EVENTS } from './delivery/room-events.js';
import { HeartBursts } from './hearts/heart-bursts.js';
import { MessageLimits } from './messages/message-limits.js';
import { MessagesService } from './messages/messages.service.js';
import { writeRefusal } from './messages/write-permission.js';
import { JuryService } from './moderation/jury.service.js';
import { ModerationService } from './moderation/moderation.service.js';
import { PresenceReporter } from './presence/presence-reporter.js';
import { ReplayArchive } from './replay/replay-archive.js';
import { RoomSignalsReader } from './rooms/room-signals.reader.js';
import { frame } from './socket/chat-protocol.js';
import { ChatSocketServer } from './socket/chat-socket.server.js';
import { SuspendedAccounts } from './suspensions/suspended-accounts.js';

/**
 * The pod's live parts and their order: the room topic's publisher first, then the readers
 * (room signals, the replay archive), the timers, and the socket server last; on shutdown the
 * reverse, with the last hearts sent.
 */
@Injectable()
export class ChatRuntime implements OnModuleInit, OnApplicationShutdown {
  readonly publisher: EventPublisher;
  readonly rooms: LocalRooms;
  readonly feeds: PartitionFeeds;
  readonly hearts: HeartBursts;
  readonly presence: PresenceReporter;
  readonly juries: JuryService;
  readonly socket: ChatSocketServer;
  readonly suspensions: SuspendedAccounts;
  private readonly signals: RoomSignalsReader;
  private readonly archive: ReplayArchive;
  private partitionCount = 0;

  constructor(
    @Inject(CHAT_CONFIG) readonly config: ChatConfig,
    dataSource: DataSource,
    outbox: Outbox,
  ) {
    const kafka = chatKafkaOptions(config);
    this.publisher = new EventPublisher(kafka, `chat/${config.podId}`);
    const { podId, rules } = config;
    this.juries = new JuryService(dataSource, outbox, this.publisher, rules, podId);
    this.rooms = new LocalRooms(dataSource, {
      podId,
      openCommenters: rules.openCommenters,
      partitionOf: (id) => this.partitionOf(id),
      stateFrame: (room, socket) => this.stateFrame(room, socket),
      onJury: (room, juryId) => this.juries.summon(room, juryId),
    });
    this.feeds = new PartitionFeeds(kafka, prefixed(kafka, ChatMessagePostedEvent.topic), podId, (records) => this.rooms.deliver(records));
    this.rooms.feeds = this.feeds;
    this.hearts = new HeartBursts(dataSource, this.publisher, rules.heartsPerViewer, config.intervals.heartsMs);
    this.presence = new PresenceReporter(this.rooms, this.publisher, podId, config.intervals.presenceMs);
    const limits = new MessageLimits(rules.messagesPerSecond, rules.messageBurst);
    this.suspensions = new SuspendedAccounts(dataSource);
    this.socket = new ChatSocketServer(this.rooms, remoteKeys(config.mediaTicketJwksUrl), {
      messages: new MessagesService(dataSource, this.publisher, limits, rules, podId),
      limits,
      hearts: this.hearts,
      moderation: new ModerationService(dataSource, outbox),
      juries: this.juries,
      suspensions: this.suspensions,
      stateFrame: (room, socket) => this.stateFrame(room, socket),
      presenceChanged: (room) => this.presence.sendCounts(room),
    });
    this.signals = new RoomSignalsReader(kafka, podId, this.rooms, this.suspensions);
    this.archive = new ReplayArchive(dataSource, kafka);
  }

  async onModuleInit(): Promise<void> {
    await this.publisher.start([...ROOM_EVENTS, HeartsBurstEvent]);
    this.partitionCount = await this.countPartitions();
    await this.signals.start();
    await this.archive.start();
    this.hearts.start();
    this.presence.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.socket.close();
    this.presence.stop();
    this.juries.stop();
    await this.hearts.stop();
    await this.feeds.close();
    await this.archive.stop();
    await this.signals.stop();
    await this.publisher.stop();
  }

  async ready(): Promise<boolean> {
    return this.publisher.ready();
  }

  /** The room topic's partition of a broadcast: the same as the producer's (murmur2 of the key). */
  partitionOf(broadcastId: string): number {
    const partitionMetadata = Array.from({ length: this.partitionCount }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    return Partitioners.DefaultPartitioner()({ topic: '', partitionMetadata, message: { key: broadcastId, value: null } });
  }

  private stateFrame(room: LocalRoom, socket: RoomSocket): string {
    const refusal = writeRefusal(room, socket, room.totals(this.config.podId).joined, this.config.rules.openCommenters);
    const until = refusal === 'MUTED' ? room.mutes.get(socket.ticket.accountId) : undefined;
    return frame('state', {
      canWrite: !refusal,
      reason: refusal ?? null,
      mutedUntil: until === undefined ? null : Number.isFinite(until) ? new Date(until).toISOString() : 'end',
      followersOnly: room.followersOnly,
      juries: room.juriesEnabled,
    });
  }

  private async countPartitions(): Promise<number> {
    const admin = this.publisher.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [prefixed(chatKafkaOptions(this.config), ChatMessagePostedEvent.topic)] });
      return topics[0].partitions.length;
    } finally {
      await admin.disconnect();
    }
  }
}
