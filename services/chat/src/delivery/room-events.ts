import { timestampDate, timestampMs } from '@bufbuild/protobuf/wkt';
import {
  ChatMessagePostedEvent,
  HeartsBurstEvent,
  JuryStartedEvent,
  JuryVerdictEvent,
  JuryVoteCastEvent,
  PresenceReportedEvent,
  RoomSettingsChangedEvent,
  ViewerMutedEvent,
  ViewerUnmutedEvent,
  type ChatMessagePosted,
  type EventDescriptor,
  type HeartsBurst,
  type JuryStarted,
  type JuryVerdict,
  type JuryVoteCast,
  type PresenceReported,
  type RoomSettingsChanged,
  type ViewerMuted,
  type ViewerUnmuted,
} from '@onair/contracts';
import { frame } from '../socket/chat-protocol.js';
import type { LocalRoom } from './local-room.js';

/** Every event of the room topic, by its CloudEvents type. */
export const ROOM_EVENTS: EventDescriptor[] = [
  ChatMessagePostedEvent,
  HeartsBurstEvent,
  PresenceReportedEvent,
  ViewerMutedEvent,
  ViewerUnmutedEvent,
  RoomSettingsChangedEvent,
  JuryStartedEvent,
  JuryVoteCastEvent,
  JuryVerdictEvent,
];

/** What a batch of one room's events leaves to do after their state is applied. */
export interface RoomBatch {
  messages: Array<Record<string, unknown>>;
  taps: number;
  /** The room's settings or mutes changed: every socket gets its `state` again. */
  stateChanged: boolean;
  /** Juries newly started: their jurors on this pod get a `jury` frame. */
  juries: JuryStarted[];
  /** Mutes that end by themselves: the muted viewer's sockets get `state` again then. */
  muteEnds: Array<{ accountId: string; until: number }>;
}

export const emptyBatch = (): RoomBatch => ({ messages: [], taps: 0, stateChanged: false, juries: [], muteEnds: [] });

/**
 * Applies one event of the room topic to the room's state on this pod and collects what its
 * sockets are to see. Frames for many events of one batch leave together (see LocalRooms).
 */
export function applyRoomEvent(room: LocalRoom, descriptor: EventDescriptor, message: unknown, batch: RoomBatch): void {
  switch (descriptor) {
    case ChatMessagePostedEvent: {
      const m = message as ChatMessagePosted;
      room.remember({ messageId: m.messageId, authorId: m.authorId, authorHandle: m.authorHandle, text: m.text });
      batch.messages.push({
        messageId: m.messageId,
        authorId: m.authorId,
        handle: m.authorHandle,
        text: m.text,
        postedAt: m.postedAt ? timestampDate(m.postedAt).toISOString() : null,
        offsetMs: Number(m.offsetMs),
      });
      return;
    }
    case HeartsBurstEvent:
      batch.taps += (message as HeartsBurst).taps;
      return;
    case PresenceReportedEvent: {
      const p = message as PresenceReported;
      room.notePresence(p.podId, p.joined, p.watching, p.activeAccountIds);
      return;
    }
    case ViewerMutedEvent: {
      const m = message as ViewerMuted;
      room.mutes.set(m.accountId, m.until ? timestampMs(m.until) : Infinity);
      if (m.until) batch.muteEnds.push({ accountId: m.accountId, until: timestampMs(m.until) });
      batch.stateChanged = true;
      room.broadcast(frame('moderation', { action: 'muted', accountId: m.accountId, until: m.until ? timestampDate(m.until).toISOString() : null }));
      return;
    }
    case ViewerUnmutedEvent: {
      room.mutes.delete((message as ViewerUnmuted).accountId);
      batch.stateChanged = true;
      room.broadcast(frame('moderation', { action: 'unmuted', accountId: (message as ViewerUnmuted).accountId }));
      return;
    }
    case RoomSettingsChangedEvent: {
      const s = message as RoomSettingsChanged;
      room.followersOnly = s.followersOnly;
      room.juriesEnabled = s.juriesEnabled;
      batch.stateChanged = true;
      return;
    }
    case JuryStartedEvent: {
      const j = message as JuryStarted;
      if (room.juries.has(j.juryId)) return;
      room.juries.set(j.juryId, {
        juryId: j.juryId,
        messageId: j.messageId,
        authorId: j.authorId,
        jurors: j.jurorIds,
        deadline: j.deadline ? timestampMs(j.deadline) : Date.now(),
        votes: new Map(),
        decided: false,
      });
      batch.juries.push(j);
      return;
    }
    case JuryVoteCastEvent: {
      const v = message as JuryVoteCast;
      room.juries.get(v.juryId)?.votes.set(v.jurorId, v.guilty);
      return;
    }
    case JuryVerdictEvent: {
      const v = message as JuryVerdict;
      const jury = room.juries.get(v.juryId);
      if (jury) jury.decided = true;
      room.broadcast(frame('verdict', { juryId: v.juryId, authorId: v.authorId, guilty: v.guilty, guiltyVotes: v.guiltyVotes, jurors: v.jurors }));
      return;
    }
  }
}
