import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { FollowCreatedEvent, type FollowCreated } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';
import { NotificationWriter } from '../inbox/notification-writer.js';

/** "X followed you": once per follower (following again after an unfollow says nothing new). */
@Controller()
export class FollowsConsumer {
  constructor(private readonly writer: NotificationWriter) {}

  @OnEvent(FollowCreatedEvent)
  async onFollow(@Payload() e: FollowCreated, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const [wanted] = (await ctx.manager.query(
      `SELECT a.handle FROM (SELECT 1) AS one
         LEFT JOIN account_name a ON a.account_id = $2
        WHERE NOT EXISTS (SELECT 1 FROM preference p WHERE p.account_id = $1 AND NOT p.followers)
          AND NOT EXISTS (SELECT 1 FROM mute m WHERE m.account_id = $1 AND m.muted_id = $2)`,
      [e.followeeId, e.followerId],
    )) as Array<{ handle: string | null }>;
    if (!wanted) return;
    await this.writer.create(ctx.manager, { kind: 'followed', actorId: e.followerId, actorHandle: wanted.handle }, [{ recipientId: e.followeeId, sourceKey: e.followerId }]);
  }
}
