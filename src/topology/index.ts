// The emulated topology: namespaces, devices, the kernel between the tc hooks, and the
// traffic steps of a scenario, in virtual time.
export { Topology, type TopologyOptions, type Host } from './topology.js';
export { runStep, DEFAULT_TIMING, type TrafficTiming } from './traffic.js';
export { SpecCache, rodataPatches } from './load-objects.js';
export { runOnSkb, type TcRun, type TcRunEnv } from './tc-run.js';
export { Namespace, Device, type Direction } from './device.js';
export { IpStack } from './ip-stack.js';
export { Scheduler, MS, SEC } from './scheduler.js';
