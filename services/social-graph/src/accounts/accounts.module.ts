import { Module } from '@nestjs/common';
import { AccountDeletedConsumer } from './account-deleted.consumer.js';

@Module({ controllers: [AccountDeletedConsumer] })
export class AccountsModule {}
