// One exit-code convention for every dpsim command.
export const EXIT = {
  OK: 0,
  /** A check failed: a test, an expectation, a fault, a damaged input file. */
  CHECK_FAILED: 1,
  /** The emulator and the kernel diverge. */
  DIVERGENCE: 2,
  /** Bad input or usage. */
  BAD_INPUT: 3,
  /** The environment cannot run it (no root, no BPF, a tool missing). */
  ENVIRONMENT: 4,
} as const;

/** An error that ends a command with a message and a given exit code. */
export class CliError extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
  }
}
