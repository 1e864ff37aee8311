import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const protoDir = resolve(__dirname);
const repo = resolve(protoDir, '..');
const buf = resolve(repo, 'node_modules/.bin/buf');
const run = (args: string[], cwd = protoDir) => spawnSync(buf, args, { cwd, encoding: 'utf8' });
const gitIn = (cwd: string) => (args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const git = gitIn(repo);

/** Deepens a shallow clone (or fetches `main`) from its remote; false when that is not possible. */
function fetchHistory(tryGit: (args: string[]) => { status: number | null; stdout: string }): boolean {
  if (tryGit(['remote']).stdout.trim() === '') return false;
  const shallow = tryGit(['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true';
  return tryGit(shallow ? ['fetch', '-q', '--unshallow'] : ['fetch', '-q', 'origin', 'main:main']).status === 0;
}

/**
 * What `buf breaking` compares against: the merge base with `main` (what this work branched
 * from), or, on `main` itself, the commit before HEAD, so every change that lands is checked
 * against what it replaces. A shallow clone is deepened first; undefined only for the very
 * first commit of the repository. Anything else without a base throws: the check must not
 * pass by skipping itself.
 */
function baseline(dir = repo): string | undefined {
  const git = gitIn(dir);
  const tryGit = (args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  const hasCommit = (ref: string) => tryGit(['rev-parse', '--verify', '-q', `${ref}^{commit}`]).status === 0;
  const find = () => {
    const mergeBase = hasCommit('main') ? tryGit(['merge-base', 'HEAD', 'main']).stdout.trim() : '';
    if (mergeBase && mergeBase !== git(['rev-parse', 'HEAD'])) return mergeBase;
    return hasCommit('HEAD~1') ? git(['rev-parse', 'HEAD~1']) : undefined;
  };
  let ref = find();
  const shallow = () => tryGit(['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true';
  if (!ref || (!hasCommit('main') && tryGit(['rev-parse', '--abbrev-ref', 'HEAD']).stdout.trim() !== 'main')) {
    if (fetchHistory(tryGit)) ref = find();
  }
  if (!ref) {
    if (shallow()) throw new Error('buf breaking: this is a shallow clone without the previous commit, and it could not be fetched (git fetch --unshallow)');
    return undefined; // the root commit: nothing before it to break
  }
  return tryGit(['cat-file', '-e', `${ref}:proto/buf.yaml`]).status === 0 ? ref : undefined;
}

describe('contracts in proto/', () => {
  it('pass buf lint', () => {
    const r = run(['lint']);
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('make no breaking change against the baseline commit', () => {
    const ref = baseline();
    // The first commit with contracts has nothing to break: then proto/ came in with HEAD.
    if (!ref) return expect(git(['log', '--format=%H', '--', 'proto/buf.yaml']).split('\n')).toEqual([git(['rev-parse', 'HEAD'])]);
    const r = run(['breaking', '--against', `${repo}/.git#ref=${ref},subdir=proto`]);
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('finds its baseline in a shallow clone by fetching it, and fails loudly when it cannot', () => {
    const work = mkdtempSync(join(tmpdir(), 'onair-shallow-'));
    try {
      const clone = (name: string) => {
        execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, name], { cwd: work, stdio: 'ignore' });
        return join(work, name);
      };
      const deepened = clone('with-origin');
      expect(baseline(deepened)).toBe(git(['rev-parse', 'HEAD~1']));
      const orphan = clone('without-origin');
      execFileSync('git', ['remote', 'remove', 'origin'], { cwd: orphan });
      expect(() => baseline(orphan)).toThrow(/shallow clone/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
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
