import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { JuryStartedEvent, JuryVerdictEvent, type JuryStarted, type JuryVerdict } from '@onair/contracts';
import { NonRetriableEventError, OnEvent, type KafkaEventContext } from '@onair/kafka';
import { fileJuryReport, recordVerdict } from './report-store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function ids(what: string, values: string[]): string[] {
  if (!values.every((v) => UUID.test(v))) throw new NonRetriableEventError('OPS.MALFORMED_JURY_EVENT', `a ${what} whose ids are not uuids`);
  return values.map((v) => v.toLowerCase());
}

/**
 * chat's message reports into the queue: a flash jury started is its reporter's report of the
 * message; its verdict, when guilty, weighs the message up the queue.
 */
@Controller()
export class JuryEventsConsumer {
  private readonly log = new Logger('JuryEventsConsumer');

  @OnEvent(JuryStartedEvent)
  async onStarted(@Payload() e: JuryStarted, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const [juryId, messageId, broadcastId, authorId] = ids('jury_started', [e.juryId, e.messageId, e.broadcastId, e.authorId]);
    // Chat before reporter_id named no reporter: the report stands, unattributed.
    const reporterId = e.reporterId ? ids('jury_started', [e.reporterId])[0] : null;
    await fileJuryReport(ctx.manager, juryId, reporterId, messageId, { broadcastId, authorId, authorHandle: e.authorHandle, messageText: e.messageText });
  }

  @OnEvent(JuryVerdictEvent)
  async onVerdict(@Payload() e: JuryVerdict, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const [juryId] = ids('jury_verdict', [e.juryId]);
    // Same room, same partition: the jury's start came first, unless it predates ops.
    if (!(await recordVerdict(ctx.manager, juryId, e.guilty, e.guiltyVotes))) this.log.warn(`verdict of unknown jury ${juryId}: ignored`);
  }
}
