// Collects the normalisations a comparison actually applied, each named once.

import type { Normalisation } from './types.js';

export class NormalisationLog {
  readonly #applied = new Map<string, string>();

  note(n: Normalisation): void {
    if (!this.#applied.has(n.name)) this.#applied.set(n.name, n.reason);
  }

  list(): Normalisation[] {
    return [...this.#applied].map(([name, reason]) => ({ name, reason }));
  }
}
