import type { BroadcastId } from '../ids.js';
import type { Room } from '../room/room.js';
import type { Rooms } from '../room/rooms.js';
import { Participant } from './participant.js';

/**
 * The broadcast's room for a publisher: open (a participant leaving may just have closed it),
 * and this node its origin. When the publisher moves here (its node went) while this node still
 * relayed the broadcast from the lost origin, the relayed room closes and an origin room opens.
 * Both ways in call these: the signalling socket's join and WHIP ingest.
 */
export async function openPublisherRoom(rooms: Rooms, broadcastId: BroadcastId): Promise<Room> {
  let room = await rooms.open(broadcastId);
  if (room.closed) room = await rooms.open(broadcastId);
  if (room.relayedFrom) {
    room.close('origin-lost');
    room = await rooms.open(broadcastId);
  }
  return room;
}

/** The publisher joins; an earlier connection of the publisher (a reconnect, another encoder) is replaced. */
export function joinAsPublisher(room: Room, publisher: Participant): void {
  room.join(publisher);
  for (const other of room.participants) {
    if (other !== publisher && other.role === 'publisher' && other instanceof Participant) other.replaced();
  }
}
