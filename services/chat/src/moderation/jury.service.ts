import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Logger } from '@nestjs/common';
import { JuryStartedEvent, JuryStartedSchema, JuryVerdictEvent, JuryVerdictSchema, JuryVoteCastEvent, MuteReason } from '@onair/contracts';
import { DomainError } from '@onair/errors';
import type { EventPublisher, Outbox } from '@onair/kafka';
import { randomInt, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { LocalRoom, RoomSocket } from '../delivery/local-room.js';
import { frame } from '../socket/chat-protocol.js';
import { muteViewer } from './moderation.service.js';

export class JuryRefusedError extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const JURORS = 5;

/**
 * Flash juries: a reported message goes before up to five random active viewers (neither the
 * reporter nor the author) who vote within the jury's time; a majority mutes the author (for
 * `muteMs` the first time, for the rest of the broadcast the second). Juries, votes and verdicts
 * are stored and are events on the room topic, so any pod can run one: a vote is taken by the
 * pod holding the juror's socket, and the verdict is decided once, in PostgreSQL, by whichever
 * pod gets there first (a majority, or the deadline each pod with the room watches for).
 */
export class JuryService {
  private readonly log = new Logger('JuryService');
  private readonly deadlines = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly publisher: EventPublisher,
    private readonly rules: { juryMs: number; juryMuteMs: number },
    private readonly podId: string,
  ) {}

  async report(room: LocalRoom, reporter: RoomSocket, messageId: string): Promise<{ juryId: string }> {
    if (!room.juriesEnabled) throw new JuryRefusedError('CHAT.JURIES_OFF', 'the broadcaster has turned flash juries off');
    const message = room.findRecent(messageId);
    if (!message) throw new JuryRefusedError('CHAT.MESSAGE_NOT_FOUND', 'no such recent message in this room');
    const reporterId = reporter.ticket.accountId;
    if (message.authorId === reporterId) throw new JuryRefusedError('CHAT.OWN_MESSAGE', 'you cannot report your own message');
    if (message.authorId === room.ownerId) throw new JuryRefusedError('CHAT.BROADCASTER_MESSAGE', "the broadcaster's messages are not judged");
    const candidates = [...room.activeAccounts(this.podId)].filter((a) => a !== reporterId && a !== message.authorId && a !== room.ownerId);
    const jurors = shuffle(candidates).slice(0, JURORS);
    if (jurors.length === 0) throw new JuryRefusedError('CHAT.NO_JURORS', 'nobody else is here to judge it');
    const juryId = randomUUID();
    const deadline = Date.now() + this.rules.juryMs;
    await this.dataSource.transaction(async (manager) => {
      // INSERT … RETURNING answers the rows themselves (UPDATE and DELETE answer [rows, count]).
      const started: unknown[] = await manager.query(
        `INSERT INTO chat_jury (jury_id, broadcast_id, message_id, author_id, reporter_id, juror_ids, deadline)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (broadcast_id, message_id) DO NOTHING RETURNING 1`,
        [juryId, room.broadcastId, messageId, message.authorId, reporterId, jurors, new Date(deadline)],
      );
      if (started.length === 0) throw new JuryRefusedError('CHAT.ALREADY_REPORTED', 'this message is already before a jury');
      await this.outbox.add(
        manager,
        JuryStartedEvent,
        create(JuryStartedSchema, {
          broadcastId: room.broadcastId,
          juryId,
          messageId,
          messageText: message.text,
          authorId: message.authorId,
          authorHandle: message.authorHandle,
          jurorIds: jurors,
          deadline: timestampFromMs(deadline),
          reporterId,
        }),
      );
    });
    return { juryId };
  }

  async vote(room: LocalRoom, juror: RoomSocket, juryId: string, guilty: boolean): Promise<void> {
    const jurorId = juror.ticket.accountId;
    const [jury]: Array<{ juror_ids: string[]; deadline: Date; verdict: string | null }> = await this.dataSource.query(
      'SELECT juror_ids, deadline, verdict FROM chat_jury WHERE jury_id = $1 AND broadcast_id = $2',
      [juryId, room.broadcastId],
    );
    if (!jury || !jury.juror_ids.includes(jurorId)) throw new JuryRefusedError('CHAT.NOT_A_JUROR', 'you are not on this jury');
    if (jury.verdict || jury.deadline.getTime() < Date.now()) throw new JuryRefusedError('CHAT.JURY_CLOSED', 'this jury has decided');
    const cast: unknown[] = await this.dataSource.query(
      'INSERT INTO chat_jury_vote (jury_id, juror_id, guilty) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1',
      [juryId, jurorId, guilty],
    );
    if (cast.length === 0) throw new JuryRefusedError('CHAT.ALREADY_VOTED', 'you have voted on this jury');
    await this.publisher.publish(JuryVoteCastEvent, { broadcastId: room.broadcastId, juryId, jurorId, guilty });
    await this.decide(juryId, false);
  }

  /** A jury started: its jurors here are called, and this pod watches its deadline too. */
  summon(room: LocalRoom, juryId: string): void {
    const jury = room.juries.get(juryId);
    if (!jury) return;
    for (const jurorId of jury.jurors) {
      for (const socket of room.socketsOf(jurorId)) {
        const m = room.findRecent(jury.messageId);
        socket.send(frame('jury', { juryId, messageId: jury.messageId, text: m?.text ?? null, authorHandle: m?.authorHandle ?? null, deadline: new Date(jury.deadline).toISOString() }));
      }
    }
    // Every pod with the room tries at the deadline (a little apart); the first decides.
    const delay = Math.max(0, jury.deadline - Date.now()) + randomInt(0, 500);
    this.deadlines.set(juryId, setTimeout(() => void this.decide(juryId, true).catch((err: Error) => this.log.error(`jury ${juryId}: ${err.message}`)), delay));
  }

  stop(): void {
    for (const t of this.deadlines.values()) clearTimeout(t);
  }

  /** Decides the jury once: guilty on a majority of its jurors; at the deadline, acquitted without one. */
  private async decide(juryId: string, deadlinePassed: boolean): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [jury]: Array<{ broadcast_id: string; author_id: string; juror_ids: string[]; verdict: string | null }> = await manager.query(
        'SELECT broadcast_id, author_id, juror_ids, verdict FROM chat_jury WHERE jury_id = $1 FOR UPDATE',
        [juryId],
      );
      if (!jury || jury.verdict) return;
      const [{ guilty }]: Array<{ guilty: number }> = await manager.query(
        'SELECT count(*) FILTER (WHERE guilty)::int AS guilty FROM chat_jury_vote WHERE jury_id = $1',
        [juryId],
      );
      const convicted = guilty * 2 > jury.juror_ids.length;
      if (!convicted && !deadlinePassed) return;
      await manager.query('UPDATE chat_jury SET verdict = $2, decided_at = now() WHERE jury_id = $1', [juryId, convicted ? 'guilty' : 'acquitted']);
      await this.outbox.add(
        manager,
        JuryVerdictEvent,
        create(JuryVerdictSchema, { broadcastId: jury.broadcast_id, juryId, authorId: jury.author_id, guilty: convicted, guiltyVotes: guilty, jurors: jury.juror_ids.length }),
      );
      if (!convicted) return;
      const [{ convictions }]: Array<{ convictions: number }> = await manager.query(
        `SELECT count(*)::int AS convictions FROM chat_jury WHERE broadcast_id = $1 AND author_id = $2 AND verdict = 'guilty'`,
        [jury.broadcast_id, jury.author_id],
      );
      // The first conviction mutes for a while, a second for the rest of the broadcast.
      const until = convictions >= 2 ? null : Date.now() + this.rules.juryMuteMs;
      await muteViewer(manager, this.outbox, jury.broadcast_id, jury.author_id, until, MuteReason.JURY);
    });
    clearTimeout(this.deadlines.get(juryId));
    this.deadlines.delete(juryId);
  }
}

function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
