// The sfu-worker pod's preStop hook (deploy/helm/sfu-worker). The image has no shell, only node,
// so kubelet execs this: node /app/services/sfu-worker/dist/src/draining/start-draining.js
// --wait-seconds N [--pid P]. It makes the service start draining now (DRAIN_SIGNAL to PID 1,
// the service itself since node is the container's entrypoint), not at SIGTERM: readiness fails
// and the next load report says `draining`, so stream-sessions places nobody new here while the
// pod leaves the Service endpoints. Then it waits N seconds, for that to reach the edge and
// placement, because kubelet sends SIGTERM only once this hook has returned.
import { parseArgs } from 'node:util';
import { DRAIN_SIGNAL } from './drain-signal.js';

function fail(message: string, code: number): never {
  process.stderr.write(`start-draining: ${message}\n`);
  process.exit(code);
}

let options: { pid: string; 'wait-seconds': string };
try {
  options = parseArgs({ options: { pid: { type: 'string', default: '1' }, 'wait-seconds': { type: 'string', default: '0' } } }).values;
} catch (err) {
  fail(`${(err as Error).message}; usage: start-draining.js [--pid P] [--wait-seconds N]`, 2);
}
const pid = Number(options.pid);
const waitSeconds = Number(options['wait-seconds']);
if (!Number.isInteger(pid) || pid < 1) fail(`--pid must be a process id, not ${options.pid}`, 2);
if (!Number.isFinite(waitSeconds) || waitSeconds < 0) fail(`--wait-seconds must be a number of seconds, not ${options['wait-seconds']}`, 2);

try {
  process.kill(pid, DRAIN_SIGNAL);
} catch (err) {
  // The hook fails (kubelet records a FailedPreStopHook event); SIGTERM still drains the node.
  fail(`could not signal process ${pid}: ${(err as Error).message}`, 1);
}
process.stdout.write(`start-draining: sent ${DRAIN_SIGNAL} to process ${pid}; waiting ${waitSeconds} s\n`);
setTimeout(() => process.exit(0), waitSeconds * 1000);
