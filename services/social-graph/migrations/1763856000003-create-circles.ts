import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCircles1763856000003 implements MigrationInterface {
  name = 'CreateCircles1763856000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE circle (
        id          uuid PRIMARY KEY,
        owner_id    uuid NOT NULL,
        name        text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT circle_id_owner_key UNIQUE (id, owner_id)
      )`);
    await q.query('CREATE UNIQUE INDEX circle_owner_name_key ON circle (owner_id, lower(name))');
    // The database holds the rule "members are followers of the owner": a membership
    // references the follow edge, so it cannot be added without one and disappears with it
    // (unfollow, block, account deletion), whatever path removes the edge.
    await q.query(`
      CREATE TABLE circle_member (
        circle_id  uuid NOT NULL,
        owner_id   uuid NOT NULL,
        member_id  uuid NOT NULL,
        added_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT circle_member_pkey PRIMARY KEY (circle_id, member_id),
        CONSTRAINT circle_member_circle_fkey FOREIGN KEY (circle_id, owner_id)
          REFERENCES circle (id, owner_id) ON DELETE CASCADE,
        CONSTRAINT circle_member_follow_fkey FOREIGN KEY (owner_id, member_id)
          REFERENCES follow (followee_id, follower_id) ON DELETE CASCADE
      )`);
    // The cascade from a deleted follow edge looks memberships up by (owner, member).
    await q.query('CREATE INDEX circle_member_owner_member ON circle_member (owner_id, member_id)');
    await q.query('CREATE INDEX circle_member_recent ON circle_member (circle_id, added_at, member_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE circle_member');
    await q.query('DROP TABLE circle');
  }
}
