// Child for the no-root test (run as nobody): setup must refuse with BackendUnavailable.
import { KernelBackend } from '../../src/backends/kernel.js';
import { BackendUnavailable } from '../../src/backends/types.js';
import { testPlan } from './plan.js';

try {
  await new KernelBackend().setup(await testPlan());
  process.stdout.write('set up\n');
} catch (err) {
  process.stdout.write(`${err instanceof BackendUnavailable ? 'unavailable' : 'error'}: ${(err as Error).message}\n`);
}
