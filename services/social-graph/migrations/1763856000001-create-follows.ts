import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFollows1763856000001 implements MigrationInterface {
  name = 'CreateFollows1763856000001';

  async up(q: QueryRunner): Promise<void> {
    // The primary key leads with the followee: "followers of X" (the hot read: fan-out,
    // StreamFollowers) is one index range, walked by follower id for keyset pagination.
    await q.query(`
      CREATE TABLE follow (
        followee_id  uuid NOT NULL,
        follower_id  uuid NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT follow_pkey PRIMARY KEY (followee_id, follower_id),
        CONSTRAINT follow_not_self CHECK (follower_id <> followee_id)
      )`);
    // Newest-first pages of followers and of following (scanned backwards).
    await q.query('CREATE INDEX follow_followee_recent ON follow (followee_id, created_at, follower_id)');
    await q.query('CREATE INDEX follow_follower_recent ON follow (follower_id, created_at, followee_id)');
    // Maintained in the transaction that adds or removes an edge: counting a celebrity's
    // million followers on every profile view would scan a million index entries.
    await q.query(`
      CREATE TABLE follow_count (
        account_id  uuid PRIMARY KEY,
        followers   bigint NOT NULL DEFAULT 0,
        following   bigint NOT NULL DEFAULT 0
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE follow_count');
    await q.query('DROP TABLE follow');
  }
}
