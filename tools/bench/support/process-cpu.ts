// CPU pinning, CPU time and UDP drops of the processes a bench measures (Linux: taskset, /proc).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Pins every thread of `pid` to `cpuList` ("0", "1-3"). */
export function pin(pid: number, cpuList: string): void {
  const run = spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`taskset could not pin pid ${pid} to ${cpuList}: ${run.stderr}`);
}

/** The fields of /proc/<pid>/stat after the command name, or undefined once it is gone. */
function statOf(pid: number | string): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used (clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const fields = statOf(pid);
  if (!fields) throw new Error(`process ${pid} is gone`);
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The live processes of process group `pgid` (a node and its mediasoup worker). */
export function groupPids(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(statOf(entry)?.[2]) === pgid)
    .map(Number);
}

/** CPU seconds of every live process of process group `pgid`. */
export function groupCpuSeconds(pgid: number): number {
  let total = 0;
  for (const pid of groupPids(pgid)) {
    const fields = statOf(pid);
    if (fields) total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

/**
 * Datagrams the kernel dropped on the UDP sockets `pids` hold now (their receive buffers were
 * full: the process did not read fast enough), from /proc/net/udp's drops column.
 */
export function udpDrops(pids: number[]): number {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode) inodes.add(inode);
      } catch {
        // closed meanwhile
      }
    }
  }
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 13 && inodes.has(cols[9])) drops += Number(cols[cols.length - 1]);
  }
  return drops;
}

/** The receive buffer sizes (bytes, as the kernel holds them) of the UDP sockets `pids` hold. */
export function udpReceiveBuffers(pids: number[]): number[] {
  const run = spawnSync('ss', ['-u', '-a', '-m', '-n', '-p'], { encoding: 'utf8' });
  if (run.status !== 0) return [];
  const sizes: number[] = [];
  const lines = run.stdout.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const owners = [...lines[i].matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    const rb = /\brb(\d+)/.exec(lines[i + 1])?.[1];
    if (rb && owners.some((p) => pids.includes(p))) sizes.push(Number(rb));
  }
  return sizes;
}
