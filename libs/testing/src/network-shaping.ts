import { execFileSync } from 'node:child_process';

/**
 * A narrow downlink for one viewer in a test: UDP leaving loopback from `sourcePort` (an SFU
 * node's WebRtcServer port, when that node serves only the viewer under test) is shaped by the
 * kernel to `kbit` kbit/s with an HTB class; everything else on loopback passes a class with
 * no practical limit. Needs root and `tc` (iproute2, installed by `infra up media-tools`).
 * Resolves to the undo; a leftover from a crashed run is replaced, never stacked.
 */
export function throttleUdpFrom(sourcePort: number, kbit: number): () => void {
  const tc = (...args: string[]) => execFileSync('tc', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const undo = () => {
    try {
      tc('qdisc', 'del', 'dev', 'lo', 'root');
    } catch {
      // Nothing left to remove.
    }
  };
  undo();
  try {
    tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10', 'r2q', '10000');
    tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '40gbit');
    tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', `${kbit}kbit`, 'ceil', `${kbit}kbit`);
    // The shaped class drops what overflows a short queue, as a congested last mile would.
    tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', '20');
    tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', 'sport', String(sourcePort), '0xffff', 'flowid', '1:20');
  } catch (err) {
    undo();
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not shape loopback with tc (root and iproute2 needed): ${stderr || (err as Error).message}`);
  }
  return undo;
}
