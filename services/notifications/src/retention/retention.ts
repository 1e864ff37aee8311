import type { DataSource } from 'typeorm';

/**
 * What is kept how long: inbox rows `inboxDays`; who was told about which go-live two days
 * (a go-live's fan-out is long over by then); finished fan-out jobs a week (replay notices read
 * their titles); stream tickets and reminders past their time, not at all.
 */
export async function deleteExpired(dataSource: DataSource, inboxDays: number): Promise<void> {
  await dataSource.query(`DELETE FROM notification WHERE updated_at < now() - $1 * interval '1 day'`, [inboxDays]);
  await dataSource.query(`DELETE FROM go_live_delivery WHERE created_at < now() - interval '2 days'`);
  await dataSource.query(`DELETE FROM fanout_job WHERE done_at < now() - interval '7 days'`);
  await dataSource.query('DELETE FROM stream_ticket WHERE expires_at < now()');
  await dataSource.query('DELETE FROM replay_reminder WHERE expires_at < now()');
}
