import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const protoDir = resolve(__dirname);
const repo = resolve(protoDir, '..');
const buf = resolve(repo, 'node_modules/.bin/buf');
const run = (args: string[], cwd = protoDir) => spawnSync(buf, args, { cwd, encoding: 'utf8' });
const git = (args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

/**
 * What `buf breaking` compares against: main when working on another branch; on main itself
 * the commit before HEAD, so every change that lands on main is checked against what it replaces.
 */
function baseline(): string | undefined {
  const branch = spawnSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
  const ref = branch !== 'main' && spawnSync('git', ['rev-parse', '--verify', '-q', 'main'], { cwd: repo }).status === 0 ? 'main' : 'HEAD~1';
  if (spawnSync('git', ['rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd: repo }).status !== 0) return undefined;
  const hasProto = spawnSync('git', ['cat-file', '-e', `${ref}:proto/buf.yaml`], { cwd: repo }).status === 0;
  return hasProto ? git(['rev-parse', ref]) : undefined;
}

describe('contracts in proto/', () => {
  it('pass buf lint', () => {
    const r = run(['lint']);
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('make no breaking change against the baseline commit', () => {
    const ref = baseline();
    // The very first commit with contracts has nothing to break; every later one is checked.
    if (!ref) return expect(git(['log', '--format=%H', '--', 'proto/buf.yaml']).split('\n').length).toBeLessThanOrEqual(1);
    const r = run(['breaking', '--against', `${repo}/.git#ref=${ref},subdir=proto`]);
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('the breaking check catches a field number reused with another type', () => {
    const copy = mkdtempSync(join(tmpdir(), 'onair-proto-'));
    try {
      cpSync(protoDir, copy, { recursive: true, filter: (p) => !p.endsWith('.ts') && !p.endsWith('.js') });
      const file = join(copy, 'onair/identity/v1/account_events.proto');
      writeFileSync(file, readFileSync(file, 'utf8').replace('string handle = 2;', 'int64 handle = 2;'));
      const r = run(['breaking', copy, '--against', protoDir], protoDir);
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/handle/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
