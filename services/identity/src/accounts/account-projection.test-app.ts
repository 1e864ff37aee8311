// Test-only: a downstream consumer of account.created.v1, built on libs/kafka exactly as a real
// service would be. It counts how many times each account was applied, so a test can prove
// "exactly once in effect". Runs in-process, or as its own process (see `main` below) so a
// test can SIGKILL it mid-batch.
import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AccountCreatedEvent, type AccountCreated } from '@onair/contracts';
import { CreateKafkaOutboxTables1763769600000, createKafkaConsumer, OnEvent, type KafkaEventContext } from '@onair/kafka';
import { openPostgres } from '@onair/postgres';
import type { MigrationInterface, QueryRunner } from 'typeorm';

class CreateSeenAccount1763769600100 implements MigrationInterface {
  name = 'CreateSeenAccount1763769600100';
  async up(q: QueryRunner) {
    await q.query('CREATE TABLE seen_account (account_id uuid PRIMARY KEY, handle text NOT NULL, times int NOT NULL)');
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE seen_account');
  }
}

const handlerDelayMs = { value: 0 };

@Controller()
class AccountProjection {
  @OnEvent(AccountCreatedEvent)
  async onAccountCreated(@Payload() event: AccountCreated, @Ctx() ctx: KafkaEventContext) {
    if (handlerDelayMs.value) await new Promise((r) => setTimeout(r, handlerDelayMs.value));
    await ctx.manager.query(
      `INSERT INTO seen_account (account_id, handle, times) VALUES ($1, $2, 1)
       ON CONFLICT (account_id) DO UPDATE SET times = seen_account.times + 1`,
      [event.accountId, event.handle],
    );
  }
}

@Module({ controllers: [AccountProjection] })
class ProjectionModule {}

export interface ProjectionOptions {
  pgUrl: string;
  schema: string;
  brokers: string[];
  topicPrefix: string;
  handlerDelayMs?: number;
}

export const projectionGroup = 'identity-test.account-projection';

export async function startAccountProjection(o: ProjectionOptions): Promise<INestMicroservice> {
  handlerDelayMs.value = o.handlerDelayMs ?? 0;
  const dataSource = await openPostgres({
    url: o.pgUrl,
    schema: o.schema,
    entities: [],
    migrations: [CreateKafkaOutboxTables1763769600000, CreateSeenAccount1763769600100],
  });
  const app = await createKafkaConsumer(ProjectionModule, {
    kafka: { clientId: 'account-projection', brokers: o.brokers, topicPrefix: o.topicPrefix, defaultPartitions: 3 },
    groupId: projectionGroup,
    events: [AccountCreatedEvent],
    dataSource,
  });
  await app.listen();
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    await dataSource.destroy();
  };
  return app;
}

if (require.main === module) {
  // Child-process mode: options arrive as JSON in argv[2].
  startAccountProjection(JSON.parse(process.argv[2]) as ProjectionOptions).then(
    () => process.stdout.write('projection ready\n'),
    (err) => {
      process.stderr.write(String(err?.stack ?? err) + '\n');
      process.exit(1);
    },
  );
}
