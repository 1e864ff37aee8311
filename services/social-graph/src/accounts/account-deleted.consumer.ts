import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AccountDeletedEvent, type AccountDeleted } from '@onair/contracts';
import { NonRetriableEventError, OnEvent, type KafkaEventContext } from '@onair/kafka';
import { AccountIdSchema } from './account-id.js';
import { purgeAccount } from './account-purge.js';

export const ACCOUNT_DELETION_GROUP = 'social-graph.account-deletion';

@Controller()
export class AccountDeletedConsumer {
  /**
   * Runs in the transaction that marks the event processed: a redelivery is skipped, and a
   * second deletion event for the same account finds nothing left to purge.
   */
  @OnEvent(AccountDeletedEvent)
  async onAccountDeleted(@Payload() event: AccountDeleted, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const id = AccountIdSchema.safeParse(event.accountId);
    if (!id.success)
      throw new NonRetriableEventError(
        'SOCIAL_GRAPH.MALFORMED_EVENT',
        `account_id "${event.accountId}" is not a uuid`,
      );
    await purgeAccount(ctx.manager, id.data, event.deletedAt ? timestampDate(event.deletedAt) : new Date());
  }
}
