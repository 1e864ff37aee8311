import { keyRingTableSql } from '@onair/key-ring';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBroadcasts1764288000001 implements MigrationInterface {
  name = 'CreateBroadcasts1764288000001';

  async up(q: QueryRunner): Promise<void> {
    // Coordinates are stored already rounded to the chosen precision; the exact ones never are.
    // Every deadline a sweeper acts on is a column, so it survives restarts and any replica
    // can act on it.
    await q.query(`
      CREATE TABLE broadcast (
        id                  uuid PRIMARY KEY,
        owner_id            uuid NOT NULL,
        title               text NOT NULL,
        topics              text[] NOT NULL,
        language            text NOT NULL,
        latitude            double precision,
        longitude           double precision,
        location_precision  text CHECK (location_precision IN ('neighbourhood', 'city', 'region')),
        visibility          text NOT NULL CHECK (visibility IN ('public', 'followers', 'circle')),
        circle_id           uuid,
        state               text NOT NULL CHECK (state IN ('created', 'live', 'ended', 'replay_ready', 'expired')),
        sfu_node_id         text,
        created_at          timestamptz NOT NULL DEFAULT now(),
        started_at          timestamptz,
        ended_at            timestamptz,
        end_reason          text CHECK (end_reason IN ('owner', 'publisher_gone')),
        auto_end_at         timestamptz,
        recording_playlist  text,
        recording_duration_ms bigint,
        recording_segments  int,
        replay_expires_at   timestamptz,
        expired_at          timestamptz,
        viewers_now         int NOT NULL DEFAULT 0,
        viewers_peak        int NOT NULL DEFAULT 0,
        hearts_total        bigint NOT NULL DEFAULT 0,
        stats_dirty         boolean NOT NULL DEFAULT false,
        stats_published_at  timestamptz,
        CHECK ((visibility = 'circle') = (circle_id IS NOT NULL)),
        CHECK ((latitude IS NULL) = (location_precision IS NULL) AND (latitude IS NULL) = (longitude IS NULL))
      )`);
    await q.query('CREATE INDEX broadcast_owner_idx ON broadcast (owner_id, created_at DESC, id DESC)');
    await q.query(`CREATE INDEX broadcast_auto_end_idx ON broadcast (auto_end_at) WHERE state = 'live' AND auto_end_at IS NOT NULL`);
    await q.query(`CREATE INDEX broadcast_expiry_idx ON broadcast (replay_expires_at) WHERE state IN ('ended', 'replay_ready')`);
    await q.query('CREATE INDEX broadcast_stats_dirty_idx ON broadcast (stats_published_at) WHERE stats_dirty');
    // The latest audience report of each node hosting viewers of a broadcast.
    await q.query(`
      CREATE TABLE broadcast_audience (
        broadcast_id uuid NOT NULL REFERENCES broadcast(id) ON DELETE CASCADE,
        node_id      text NOT NULL,
        viewers      int NOT NULL,
        reported_at  timestamptz NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (broadcast_id, node_id)
      )`);
    await q.query('CREATE INDEX broadcast_audience_received_idx ON broadcast_audience (received_at)');
    // SFU nodes as their load reports describe them: what placement of publishers reads.
    await q.query(`
      CREATE TABLE sfu_node (
        node_id           text PRIMARY KEY,
        signalling_url    text NOT NULL,
        consumers         int NOT NULL,
        consumer_capacity int NOT NULL,
        cpu_percent       double precision NOT NULL,
        reported_at       timestamptz NOT NULL,
        received_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(keyRingTableSql('media_signing_key'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE media_signing_key');
    await q.query('DROP TABLE sfu_node');
    await q.query('DROP TABLE broadcast_audience');
    await q.query('DROP TABLE broadcast');
  }
}
