import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOps1767000000001 implements MigrationInterface {
  name = 'CreateOps1767000000001';

  async up(q: QueryRunner): Promise<void> {
    // What operators did and who gave whom which power. Entries fed by an event take the event's
    // id as theirs (a redelivered event writes nothing twice); ops' own actions get a new one.
    // Times are kept to the millisecond, as the page cursors carry them.
    await q.query(`
      CREATE TABLE audit_entry (
        id               uuid PRIMARY KEY,
        actor_account_id uuid,
        action           text NOT NULL CHECK (action IN ('role_granted', 'role_revoked', 'reports_dismissed')),
        target_type      text NOT NULL CHECK (target_type IN ('account', 'broadcast', 'message')),
        target_id        uuid NOT NULL,
        reason           text NOT NULL,
        at               timestamptz NOT NULL,
        details          jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query('CREATE INDEX audit_entry_newest ON audit_entry (at DESC, id DESC)');
    await q.query('CREATE INDEX audit_entry_by_actor ON audit_entry (actor_account_id, at DESC, id DESC)');
    await q.query('CREATE INDEX audit_entry_by_target ON audit_entry (target_id, at DESC, id DESC)');
    await q.query('CREATE INDEX audit_entry_by_action ON audit_entry (action, at DESC, id DESC)');
    // Append-only below the API too: no code path of ops, nor a slip in psql, rewrites history.
    await q.query(`
      CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_entry is append-only';
      END $$`);
    await q.query('CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()');

    // One row per reported thing: its place in the queue, kept in step with its reports in the
    // transaction that changes them (every writer locks this row first). For a chat message, the
    // room, author and words as chat's jury saw them.
    await q.query(`
      CREATE TABLE report_target (
        target_type       text NOT NULL CHECK (target_type IN ('broadcast', 'account', 'message')),
        target_id         uuid NOT NULL,
        broadcast_id      uuid,
        author_id         uuid,
        author_handle     text,
        message_text      text,
        open_reports      integer NOT NULL DEFAULT 0,
        convicting_votes  integer NOT NULL DEFAULT 0,
        weight            integer NOT NULL DEFAULT 0,
        first_reported_at timestamptz,
        last_reported_at  timestamptz,
        PRIMARY KEY (target_type, target_id)
      )`);
    await q.query('CREATE INDEX report_target_queue ON report_target (weight DESC, last_reported_at DESC, target_type DESC, target_id DESC) WHERE open_reports > 0');
    // One row per (reporter, target): reporting again updates it. reporter_id is null only for a
    // chat jury whose event named no reporter (chat before it did); NULLs never collide.
    await q.query(`
      CREATE TABLE report (
        id           uuid PRIMARY KEY,
        reporter_id  uuid,
        target_type  text NOT NULL,
        target_id    uuid NOT NULL,
        reason       text NOT NULL CHECK (reason IN ('spam', 'harassment', 'hate', 'violence', 'nudity', 'self_harm', 'illegal', 'other', 'chat_jury')),
        text         text,
        source       text NOT NULL CHECK (source IN ('viewer', 'chat_jury')),
        jury_id      uuid UNIQUE,
        verdict      text CHECK (verdict IN ('guilty', 'acquitted')),
        guilty_votes integer NOT NULL DEFAULT 0,
        status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed')),
        opened_at    timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        reported_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        dismissed_at timestamptz,
        FOREIGN KEY (target_type, target_id) REFERENCES report_target (target_type, target_id),
        UNIQUE (reporter_id, target_type, target_id)
      )`);
    await q.query('CREATE INDEX report_of_target ON report (target_type, target_id, reported_at DESC)');
    await q.query(`CREATE INDEX report_open_by_reporter ON report (reporter_id) WHERE status = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE report');
    await q.query('DROP TABLE report_target');
    await q.query('DROP TABLE audit_entry');
    await q.query('DROP FUNCTION audit_entry_append_only');
  }
}
