// Child for the Ctrl-C test: sets the kernel backend up on the test plan, prints "ready RUNID
// PID..." (every process in the run's namespaces), then pings until it is interrupted.
import { execFileSync } from 'node:child_process';
import { KernelBackend } from '../../src/backends/kernel.js';
import { testPlan } from './plan.js';

const backend = new KernelBackend();
await backend.setup(await testPlan());
const tb = backend.testbed!;
const pids = tb.namespaces.flatMap((ns) => execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean));
process.stdout.write(`ready ${tb.runId} ${pids.join(' ')}\n`);
await backend.runStep({ kind: 'ping', index: 0, from: 'pod:client', toIp: '10.0.2.30', count: 100, icmpId: 7 });
