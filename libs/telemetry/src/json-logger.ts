import type { LoggerService } from '@nestjs/common';
import { activeTraceId } from './spans.js';

type Level = 'error' | 'warn' | 'info' | 'debug';
const rank: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * Nest logger writing one JSON object per line to stdout, with the active trace id so a log
 * line can be found from its trace and back.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly level: Level = 'info',
  ) {}

  log(message: unknown, ...rest: unknown[]) { this.write('info', message, rest); }
  error(message: unknown, ...rest: unknown[]) { this.write('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]) { this.write('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]) { this.write('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]) { this.write('debug', message, rest); }

  private write(level: Level, message: unknown, rest: unknown[]) {
    if (rank[level] > rank[this.level]) return;
    // Nest passes the context name last, and for errors a stack before it.
    const ctx = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      context: ctx,
      msg: message instanceof Error ? message.message : message,
      trace_id: activeTraceId(),
    };
    if (message instanceof Error) entry.stack = message.stack;
    else if (rest.length) entry.detail = rest;
    process.stdout.write(JSON.stringify(entry) + '\n');
  }
}
