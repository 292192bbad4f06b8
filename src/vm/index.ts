// The VM's public surface: load a parsed object, run its programs, inspect faults.
export { Vm, type HelperFn, type StepHook, type RunOutcome } from './interpreter.js';
export { LoadedObject, LoadError, toMapDef, type LoadedProgram, type LoadOptions } from './loaded-object.js';
export { testRun, TestRunInputError, type TestRunInput, type TestRunResult } from './test-run.js';
export { predecode, ProgramError, type DecodedProgram } from './program.js';
export { runRaw, type RawRunOptions, type RawRunResult } from './raw.js';
export { FAULT_KINDS, formatFault, type Fault, type FaultKind, type SourceLine } from './fault.js';
export { ExecEnv, Prng, type CapturedEvent, type RedirectRecord, type FibTable, type FibRoute } from './env.js';
export { SkBuff, SKB, SKB_CTX_SIZE, type TunnelKey } from './skb.js';
export { XdpBuff, XDP_MD, XDP_CTX_SIZE } from './xdp.js';
export { type EngineName, ENGINE_NAMES, defaultEngine } from './engine-name.js';
