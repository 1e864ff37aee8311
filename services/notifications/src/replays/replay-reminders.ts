import type { DataSource } from 'typeorm';
import type { NotificationWriter } from '../inbox/notification-writer.js';
import { titleOf, wantsReplayNotices } from './replays.consumer.js';

/**
 * Sends the reminders that are due: each is taken (and deleted) by one pod in the transaction
 * that writes its notification, so a reminder is sent once whichever pods tick.
 */
export async function sendDueReminders(dataSource: DataSource, writer: NotificationWriter): Promise<number> {
  return dataSource.transaction(async (manager) => {
    // A DELETE answers [rows, count] through TypeORM.
    const [due]: [Array<{ broadcast_id: string; owner_id: string }>, number] = await manager.query(
      `DELETE FROM replay_reminder WHERE broadcast_id IN (
         SELECT broadcast_id FROM replay_reminder WHERE due_at <= now() AND expires_at > now() ORDER BY due_at LIMIT 500 FOR UPDATE SKIP LOCKED)
       RETURNING broadcast_id, owner_id`,
    );
    for (const r of due) {
      if (!(await wantsReplayNotices({ manager }, r.owner_id))) continue;
      await writer.create(manager, { kind: 'replay_expiring', broadcastId: r.broadcast_id, title: await titleOf({ manager }, r.broadcast_id) }, [{ recipientId: r.owner_id, sourceKey: r.broadcast_id }]);
    }
    return due.length;
  });
}
