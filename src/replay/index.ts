// Replaying captures: through one program (VM, kernel, or both compared), or into the
// emulated topology; pacing in virtual time, verdict counts, output captures, progress.
export { ReplayError, type ReplayErrorKind } from './errors.js';
export { actionName, classify, dropReasonOf, type VerdictClass } from './verdict.js';
export { VirtualPacer, describePacing, outputTimestamp, type Pacing } from './pacing.js';
export { replayFrames, ReadPosition, type ReplayFrame, type FrameSourceOptions } from './frames.js';
export { OutputCaptures, outputName } from './outputs.js';
export { PointCaptures, pointFileName } from './point-captures.js';
export { openOutputFile, type OutputFile } from './target.js';
export { ReplayCounts } from './counts.js';
export { formatSummary, summaryJson, type SummaryInput } from './summary.js';
export { formatScenarioSummary, scenarioSummaryJson } from './scenario-summary.js';
export { Progress, type ProgressMode, type ProgressStream, type ProgressOptions } from './progress.js';
export { peakRssKiB } from './peak-rss.js';
export { globalPatches } from './globals.js';
export { openEngines, type Engines, type EngineOptions, type BackendChoice } from './engines.js';
export { EmuEngine } from './emu-engine.js';
export { KernelEngine } from './kernel-engine.js';
export { DivergenceLog } from './divergences.js';
export type { PacketOutcome } from './outcome.js';
export { formatReport, reportJson, type PacketReport } from './report.js';
export { replayProgram, type ProgramReplayOptions, type ProgramReplayResult } from './replay-program.js';
export { replayScenario, parsePoint, type ScenarioReplayOptions, type ScenarioReplayResult } from './replay-scenario.js';
export { StdoutBuffer } from './stdout-buffer.js';
export { scenarioPlan } from './scenario-plan.js';
export { pacingOf, checkCounts, splitProg, type PacingFlags } from './options.js';
