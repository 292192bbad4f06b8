// Child for the signal tests: builds a testbed, attaches a program through the loader, starts
// a capture, prints "ready RUNID TCPDUMPPID", then waits to be killed.
import { startCapture } from '../../harness/netns/capture.js';
import { createTestbed } from '../../harness/netns/topology.js';
import { twoNodeSpec } from './helpers.js';

const tb = await createTestbed(twoNodeSpec({ kernelRouting: true }));
const loader = await tb.loader('node1');
await loader.open('pod-a', process.argv[2]!);
await loader.load('pod-a');
await loader.attach('pod-a', 'lxc_ingress', tb.pods['pod-a']!.lxc.name, 'ingress');
const capture = await startCapture(tb, 'node2', 'eth0');
process.stdout.write(`ready ${tb.runId} ${capture.pid}\n`);
setInterval(() => {}, 1 << 30);
