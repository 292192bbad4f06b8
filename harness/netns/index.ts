// The netns testbed in one import: topology, loader client, traffic, captures, clean-up.
export type { DeviceSpec, NodeSpec, PodSpec, TestbedOptions, TestbedSpec, WorldHostSpec } from './spec.js';
export { DEFAULT_POD_MTU } from './spec.js';
export { SpecError } from './layout.js';
export type { Device } from './devices.js';
export {
  createTestbed, Testbed,
  type NamespaceHandle, type NodeHandle, type PodHandle, type UnderlayHandle, type WorldHandle,
} from './topology.js';
export {
  ensureBpffs, fillText, LoaderError, NodeLoader,
  type AttachedLink, type Direction, type FillSection, type LinkInfo, type PerfSample, type RodataPatch,
} from './loader.js';
export {
  inject, ping, tcpTransfer, udpSend,
  type PingOptions, type PingResult, type TransferOptions, type TransferResult,
} from './traffic.js';
export { Capture, startCapture, type CaptureOptions, type CaptureResult } from './capture.js';
export { cleanKernelLeftovers, cleanLeftovers, type CleanOptions, type CleanReport } from './clean.js';
export { CommandError } from './exec.js';
export type { Places } from './places.js';
