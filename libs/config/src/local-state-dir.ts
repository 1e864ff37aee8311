import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where a service keeps files by default on a developer's machine: `<repo>/.onair/<part>`
 * (git-ignored, next to everything else `tools/onair` runs), found upwards from `from` (a
 * service's src/ in tests, its dist/src/ when built). Never relative to the working directory,
 * so a test or a process started elsewhere cannot write into the source tree. Outside a
 * checkout (an image) there is no such default: the deployment sets the variable.
 */
export function localStateDir(part: string, from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json')) && existsSync(join(dir, 'package.json'))) return join(dir, '.onair', part);
  }
  return join('/var/lib/onair', part);
}
