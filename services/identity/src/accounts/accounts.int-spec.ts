import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { AccountCreatedEvent } from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { Client } from 'pg';
import { loadConfig } from '../config.js';
import { createIdentityApp } from '../identity-app.js';
import { startAccountProjection } from './account-projection.test-app.js';

const telemetry = startTelemetry({ serviceName: 'identity', captureSpans: true });
const PASSWORD = 'tr0ub4dor&3-live';

describe('POST /v1/accounts on real PostgreSQL and Kafka', () => {
  const ctx = TestContext.create('identity_accounts');
  let app: INestApplication;
  let projection: INestMicroservice;
  let base: string;

  beforeAll(async () => {
    app = await createIdentityApp(
      loadConfig({
        HTTP_PORT: '0',
        DATABASE_URL: ctx.infra.pgUrl,
        DATABASE_SCHEMA: ctx.schema('identity'),
        KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
        KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
        LOG_LEVEL: 'error',
        PASSWORD_SCRYPT_LOG_N: '12',
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    projection = await startAccountProjection({
      pgUrl: ctx.infra.pgUrl,
      schema: ctx.schema('projection'),
      brokers: ctx.infra.kafkaBrokers,
      topicPrefix: ctx.topicPrefix,
    });
    ctx.onCleanup(() => app.close());
    ctx.onCleanup(() => projection.close());
  });
  afterAll(() => ctx.cleanup());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('writes the account and its event in one transaction; one trace spans HTTP, relay and consumer', async () => {
    const collector = await EventCollector.start(ctx, AccountCreatedEvent);
    const res = await post(JSON.stringify({ handle: 'Ann_Live', email: 'ann@example.org', password: PASSWORD }));
    expect(res.status).toBe(201);
    const account = await json(res);
    expect(account).toMatchObject({ handle: 'ann_live', displayName: 'ann_live' });
    const traceId = res.headers.get('traceparent')!.split('-')[1];

    const [event] = await collector.waitFor(1);
    expect(event.message.accountId).toBe(account.id);
    expect(event.key).toBe(account.id);
    expect(event.headers.ce_type).toBe('account.created.v1');
    expect(event.headers.traceparent.split('-')[1]).toBe(traceId);

    const pg = new Client({ connectionString: ctx.infra.pgUrl });
    await pg.connect();
    await waitUntil(
      async () => (await pg.query(`SELECT 1 FROM "${ctx.schema('projection')}".seen_account WHERE account_id = $1`, [account.id])).rowCount === 1,
      15000,
      'the projection to apply the event',
    );
    const outboxLeft = await pg.query(`SELECT count(*)::int AS n FROM "${ctx.schema('identity')}".outbox_event`);
    await pg.end();
    expect(outboxLeft.rows[0].n).toBe(0);

    await waitUntil(() => telemetry.finishedSpans().some((s) => s.name.endsWith('process') && s.spanContext().traceId === traceId), 5000, 'consumer span');
    const names = telemetry
      .finishedSpans()
      .filter((s) => s.spanContext().traceId === traceId)
      .map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /v1/accounts',
        `${ctx.topicPrefix}identity.accounts.v1 publish`,
        `${ctx.topicPrefix}identity.accounts.v1 process`,
      ]),
    );
  });

  it('continues a trace started by the caller', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await post(JSON.stringify({ handle: 'bob', email: 'bob@example.org', password: PASSWORD }), {
      traceparent: `00-${callerTrace}-00f067aa0ba902b7-01`,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('traceparent')).toContain(callerTrace);
  });

  it('refuses a taken handle (any case) and a taken email with 409 and a stable code', async () => {
    expect((await post(JSON.stringify({ handle: 'carol', email: 'carol@example.org', password: PASSWORD }))).status).toBe(201);
    const sameHandle = await post(JSON.stringify({ handle: 'CAROL', email: 'other@example.org', password: PASSWORD }));
    expect(sameHandle.status).toBe(409);
    expect((await json(sameHandle)).error.code).toBe('IDENTITY.HANDLE_TAKEN');
    const sameEmail = await post(JSON.stringify({ handle: 'carol2', email: 'Carol@Example.org', password: PASSWORD }));
    expect(sameEmail.status).toBe(409);
    expect((await json(sameEmail)).error.code).toBe('IDENTITY.EMAIL_TAKEN');
  });

  // [what, body, status, code, field named in the error ('' when none)]
  const bad: Array<[string, string, number, string, string]> = [
    ['broken JSON', '{"handle": "x",', 400, 'REQUEST.MALFORMED_JSON', ''],
    ['a JSON array', '[1,2]', 400, 'REQUEST.VALIDATION_FAILED', ''],
    ['a JSON string (the parser takes only objects and arrays)', '"hello"', 400, 'REQUEST.MALFORMED_JSON', ''],
    ['an empty body', '', 400, 'REQUEST.VALIDATION_FAILED', ''],
    ['wrong types', '{"handle": 12, "email": true}', 400, 'REQUEST.VALIDATION_FAILED', 'handle'],
    ['an unknown field', '{"handle": "dave", "email": "d@example.org", "isAdmin": true}', 400, 'REQUEST.VALIDATION_FAILED', 'isAdmin'],
    ['an overlong handle', '{"handle": "abcdefghijklmnop", "email": "e@example.org"}', 400, 'REQUEST.VALIDATION_FAILED', 'handle'],
    ['a too short handle', '{"handle": "ab", "email": "e@example.org"}', 400, 'REQUEST.VALIDATION_FAILED', 'handle'],
    ['a too short password', '{"handle": "hal", "email": "h@example.org", "password": "short"}', 400, 'REQUEST.VALIDATION_FAILED', 'password'],
    ['a common password', '{"handle": "ivy", "email": "i@example.org", "password": "1234567890"}', 400, 'REQUEST.VALIDATION_FAILED', 'password'],
    ['an overlong password', `{"handle": "jan", "email": "j@example.org", "password": "${'p'.repeat(129)}"}`, 400, 'REQUEST.VALIDATION_FAILED', 'password'],
    ['SQL in the handle', `{"handle": "x'; DROP TABLE account;--", "email": "e@example.org"}`, 400, 'REQUEST.VALIDATION_FAILED', 'handle'],
    ['a bad email', '{"handle": "erin", "email": "not-an-email"}', 400, 'REQUEST.VALIDATION_FAILED', 'email'],
    ['an overlong display name', `{"handle": "fay", "email": "f@example.org", "displayName": "${'x'.repeat(51)}"}`, 400, 'REQUEST.VALIDATION_FAILED', 'displayName'],
    ['a huge body', `{"handle": "gil", "email": "g@example.org", "displayName": "${'x'.repeat(100_000)}"}`, 413, 'REQUEST.BODY_TOO_LARGE', ''],
  ];
  it.each(bad)('answers %s with a 4xx and a stable code', async (_what, body, status, code, field) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    const answer = await json(res);
    expect(answer.error.code).toBe(code);
    if (field) expect(answer.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('wrote no account for any refused request', async () => {
    const pg = new Client({ connectionString: ctx.infra.pgUrl });
    await pg.connect();
    const { rows } = await pg.query(`SELECT handle FROM "${ctx.schema('identity')}".account ORDER BY handle`);
    await pg.end();
    expect(rows.map((r) => r.handle)).toEqual(['ann_live', 'bob', 'carol']);
  });

  it('serves /healthz, /readyz, /metrics, /openapi.json and /docs', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: 'ready', checks: { postgres: true, kafka: true } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('http_server_duration_ms');
    expect(metrics).toContain('outbox_relayed_events_total');
    const openapi = await json(await fetch(`${base}/openapi.json`));
    expect(openapi.paths['/v1/accounts'].post.requestBody.content['application/json'].schema.properties.handle).toBeDefined();
    expect((await fetch(`${base}/docs`)).status).toBe(200);
    const unknown = await fetch(`${base}/v1/nope`);
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe('REQUEST.NOT_FOUND');
  });
});
