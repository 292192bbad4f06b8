// Program-level differential testing: the VM against the kernel on the same inputs.
export { diffProgram } from './program-diff.js';
export { compareSides } from './compare.js';
export { formatDiff } from './format.js';
export { paddedPerfSize } from './events-compare.js';
export { SKB_CTX, XDP_CTX, type CtxField, type CtxLayout } from './ctx-fields.js';
export type {
  CompareOptions, Comparison, DiffInput, Divergence, EventRecord, GlobalPatch, MapNormaliser, MapSnapshot,
  Normalisation, ProgramDiffOptions, ProgramDiffReport, RunRecord, SideRecord,
} from './types.js';
