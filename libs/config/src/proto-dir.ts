import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository's `proto/` folder holding `protoFile`, looked for upwards from `from` (a
 * service's src/ in tests, its dist/src/ when built); a deployment sets PROTO_DIR instead.
 */
export function findProtoDir(protoFile: string, from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto', protoFile))) return join(dir, 'proto');
  }
  return resolve(from, '../../../proto');
}
