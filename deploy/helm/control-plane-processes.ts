// The control plane's processes: each component in its own process group with its log file,
// stopped newest first. A watchdog shell outlives a killed test runner (SIGKILL, a jest worker
// torn down) just long enough to kill the groups it recorded and remove the folder, so no etcd or
// apiserver is left.
import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// POSIX sh (dash): `kill -9 -<pgid>`; dash's kill takes no `--`.
const WATCHDOG =
  'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
  '[ -f "$2" ] && while read -r g; do kill -9 "-$g" 2>/dev/null; done < "$2"; rm -rf "$3"';

export class Processes {
  private readonly children: { name: string; child: ChildProcess; log: string }[] = [];
  // A test runner that exits without stop() (an uncaught error) kills the groups on its way out.
  private readonly onExit = (): void => this.killAll('SIGKILL');
  private readonly pidsFile: string;
  private readonly watchdog: ChildProcess;

  constructor(private readonly dir: string) {
    process.on('exit', this.onExit);
    this.pidsFile = join(dir, 'process-groups');
    this.watchdog = spawn(
      'sh',
      ['-c', WATCHDOG, 'onair-kube-watchdog', String(process.pid), this.pidsFile, dir],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    this.watchdog.unref();
  }

  start(name: string, bin: string, args: string[]): void {
    const log = join(this.dir, `${name}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.on('error', () => undefined); // reported by alive() with the log
    this.children.push({ name, child, log });
    if (child.pid) appendFileSync(this.pidsFile, `${child.pid}\n`);
  }

  // Throws with the tail of the log of any component that already exited.
  alive(): void {
    for (const { name, child, log } of this.children) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '';
        throw new Error(`${name} exited (${child.exitCode ?? child.signalCode})\n${tail}`);
      }
    }
  }

  pids(): number[] {
    return this.children
      .filter((c) => c.child.exitCode === null && c.child.signalCode === null)
      .map((c) => c.child.pid ?? 0)
      .filter((p) => p > 0);
  }

  logs(): string {
    return this.children.map((c) => `${c.name}: ${c.log}`).join(', ');
  }

  private killAll(signal: NodeJS.Signals): void {
    for (const { child } of this.children) {
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // the group is already gone
        }
      }
    }
  }

  // Newest first (kwok before the apiserver before etcd), SIGTERM then SIGKILL after 5 s.
  async stopAll(): Promise<void> {
    for (const { child } of [...this.children].reverse()) {
      if (!child.pid || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        continue;
      }
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
        await exited;
      }
    }
    process.off('exit', this.onExit);
    if (this.watchdog.pid && this.watchdog.exitCode === null) {
      try {
        process.kill(-this.watchdog.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}
