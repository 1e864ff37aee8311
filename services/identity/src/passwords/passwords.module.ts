import { Global, Module } from '@nestjs/common';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';
import { HashBudget } from './hash-budget.js';
import { PasswordAttempts } from './password-attempts.js';
import { PasswordHasher } from './password-hasher.js';

@Global()
@Module({
  providers: [
    {
      provide: HashBudget,
      useFactory: ({ passwordHashing: h }: IdentityConfig) => new HashBudget(h.memoryBudgetBytes, h.maxWaitMs, h.maxWaiting),
      inject: [IDENTITY_CONFIG],
    },
    { provide: PasswordHasher, useFactory: (c: IdentityConfig, budget: HashBudget) => new PasswordHasher(c.auth.scryptLogN, budget), inject: [IDENTITY_CONFIG, HashBudget] },
    PasswordAttempts,
  ],
  exports: [PasswordHasher, PasswordAttempts],
})
export class PasswordsModule {}
