import { Logger } from '@nestjs/common';
import { RecordingFinishedEvent } from '@onair/contracts';
import type { BroadcastId } from '../ids.js';
import type { EventPublisher } from '@onair/kafka';
import type { Room } from '../room/room.js';
import type { Rooms } from '../room/rooms.js';
import { RoomFullError } from '../room/room.errors.js';
import { Recorder } from './recorder.js';
import type { ReplayWriter } from '@onair/replay-store';

/** A publisher sends video and audio within moments; record what has arrived after this wait. */
const SECOND_PRODUCER_WAIT_MS = 1500;
/** A publisher's video and audio: the recording's consumers on the broadcast's Router. */
const RECORDED_STREAMS = 2;

/**
 * Records every broadcast whose publisher is on this node: starts when the publisher's
 * Producers are up, finishes (VOD playlist, RecordingFinished) when the publisher leaves or
 * the broadcast ends. A publisher who returns continues the same playlist, once the recording
 * before has finished: one ffmpeg per folder, or two would write the same segment names.
 */
export class Recordings {
  private readonly log = new Logger('Recordings');
  private readonly active = new Map<BroadcastId, Promise<Recorder | undefined>>();
  private readonly waiting = new Map<BroadcastId, NodeJS.Timeout>();
  /** The last recording of each broadcast being finished (each one waited for the one before). */
  private readonly finishing = new Map<BroadcastId, Promise<void>>();
  /**
   * Consumer slots held on a broadcast's Router for its recording, from the publisher's first
   * Producer until the recording's consumers exist. Viewers who join meanwhile (while the
   * recording before finishes, or the second Producer is awaited) would otherwise take them, and
   * the recording would be refused for a full Router: no replay.
   */
  private readonly slots = new Map<BroadcastId, Array<() => void>>();

  constructor(
    rooms: Rooms,
    private readonly store: ReplayWriter,
    private readonly ffmpegBin: string,
    private readonly events: EventPublisher,
    private readonly nodeId: string,
  ) {
    rooms.on('roomOpened', (room) => this.watch(room));
  }

  private watch(room: Room): void {
    // The publisher's node records; a node relaying the broadcast only serves viewers.
    if (room.relayedFrom) return;
    room.on('producerAdded', () => this.schedule(room));
    room.on('publisherLeft', () => this.finish(room));
    room.on('closed', () => this.finish(room));
  }

  private schedule(room: Room): void {
    if (this.active.has(room.broadcastId) || room.closed) return;
    this.holdSlots(room);
    const kinds = new Set([...room.producers.values()].map((p) => p.kind));
    if (kinds.size === 2) return this.start(room);
    if (!this.waiting.has(room.broadcastId)) {
      this.waiting.set(room.broadcastId, setTimeout(() => this.start(room), SECOND_PRODUCER_WAIT_MS));
    }
  }

  private start(room: Room): void {
    clearTimeout(this.waiting.get(room.broadcastId));
    this.waiting.delete(room.broadcastId);
    const id = room.broadcastId;
    if (this.active.has(id) || room.closed || room.producers.size === 0) return;
    const starting: Promise<Recorder | undefined> = (this.finishing.get(id) ?? Promise.resolve())
      // Meanwhile the publisher may have left again (finish() took this one off) or the room closed.
      .then(() => {
        const slots = this.slots.get(id) ?? [];
        this.slots.delete(id);
        if (this.active.get(id) !== starting || room.closed || room.producers.size === 0) return releaseAll(slots);
        return Recorder.start(room, this.store, this.ffmpegBin, slots).finally(() => releaseAll(slots));
      })
      .catch((err: Error) => {
        this.log.error(`recording of ${id} did not start: ${err.message}`);
        return undefined;
      });
    this.active.set(id, starting);
  }

  private finish(room: Room): void {
    clearTimeout(this.waiting.get(room.broadcastId));
    this.waiting.delete(room.broadcastId);
    releaseAll(this.slots.get(room.broadcastId) ?? []);
    this.slots.delete(room.broadcastId);
    const starting = this.active.get(room.broadcastId);
    if (!starting) return;
    const id = room.broadcastId;
    this.active.delete(id);
    const done: Promise<void> = this.complete(id, starting).finally(() => {
      if (this.finishing.get(id) === done) this.finishing.delete(id);
    });
    this.finishing.set(id, done);
  }

  private async complete(broadcastId: BroadcastId, starting: Promise<Recorder | undefined>): Promise<void> {
    const recorder = await starting;
    if (!recorder) return;
    try {
      const summary = await recorder.stop();
      if (summary.segments === 0) return this.log.warn(`recording of ${broadcastId} holds no segment`);
      await this.store.commit(broadcastId);
      this.events.publishInBackground(RecordingFinishedEvent, {
        broadcastId,
        nodeId: this.nodeId,
        playlist: this.store.playlistKey(broadcastId),
        durationMs: BigInt(summary.durationMs),
        segments: summary.segments,
      });
    } catch (err) {
      this.log.error(`recording of ${broadcastId} did not finish: ${(err as Error).message}`);
    }
  }

  private holdSlots(room: Room): void {
    if (this.slots.has(room.broadcastId)) return;
    const held: Array<() => void> = [];
    try {
      while (held.length < RECORDED_STREAMS) held.push(room.reserveConsumer(room.router));
    } catch (err) {
      // The Router is full already: the recording takes what it holds, and reports the rest.
      if (!(err instanceof RoomFullError)) throw err;
    }
    this.slots.set(room.broadcastId, held);
  }

  /** Waits for every recording being finished (shutdown: rooms are closed first). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.finishing.values()]);
  }
}

function releaseAll(slots: Array<() => void>): undefined {
  for (const release of slots.splice(0)) release();
  return undefined;
}
