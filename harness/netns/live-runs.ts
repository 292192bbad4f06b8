// Testbeds of this process that are not torn down yet. While there are any, SIGINT, SIGTERM
// and SIGHUP tear them down synchronously and then end the process with the same signal;
// a plain exit tears them down too (best effort: only synchronous work runs in 'exit').

export interface SyncTeardown {
  readonly runId: string;
  teardownSync(): void;
}

const live = new Set<SyncTeardown>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function tearDownAll(): void {
  for (const run of [...live]) {
    try {
      run.teardownSync();
    } catch {
      // keep going: the other runs still need their teardown
    }
    live.delete(run);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  tearDownAll();
  uninstall();
  // Re-raise with our handlers gone, so the exit status says which signal ended us.
  process.kill(process.pid, signal);
}

function onExit(): void {
  tearDownAll();
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', onExit);
}

export function registerRun(run: SyncTeardown): void {
  live.add(run);
  install();
}

export function unregisterRun(run: SyncTeardown): void {
  live.delete(run);
  if (live.size === 0) uninstall();
}

export function liveRunIds(): string[] {
  return [...live].map((r) => r.runId);
}
