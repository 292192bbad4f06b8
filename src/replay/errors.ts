// What can end a replay early, by kind, so the CLI can pick the exit code:
// bad-input → 3, damaged (a capture damaged part-way) → 1, environment → 4.

export type ReplayErrorKind = 'bad-input' | 'damaged' | 'environment';

export class ReplayError extends Error {
  constructor(readonly kind: ReplayErrorKind, message: string) {
    super(message);
  }
}
