// Child for the signal test: opens and loads OBJ, prints the helper's pid, then waits to be killed.
import { KernelTestRun } from '../../harness/testrun.js';

const kt = await KernelTestRun.open(process.argv[2]!);
await kt.load();
process.stdout.write(`helper ${kt.pid}\n`);
setInterval(() => {}, 1 << 30);
