import type { z } from 'zod';

/** The environment as a service reads it. */
export type Environment = Record<string, string | undefined>;

/**
 * Validates a service's environment against its schema, once, at boot. Every problem is named
 * in one error (`<service>: invalid configuration: VAR: why; ...`), so a bad deployment stops
 * at start with all of its mistakes listed rather than one per restart.
 */
export function parseEnv<S extends z.ZodType>(service: string, schema: S, env: Environment): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${service}: invalid configuration: ${problems}`);
  }
  return parsed.data;
}
