import { errnoName } from './constants.js';

/** A failure that names the map: bad definition, misuse of the userspace API, bad JSON contents. */
export class MapError extends Error {
  constructor(
    readonly mapName: string,
    detail: string,
    /** Positive errno when the kernel would fail the same way. */
    readonly errno?: number,
  ) {
    super(`map "${mapName}": ${detail}${errno ? ` (${errnoName(errno)})` : ''}`);
    this.name = 'MapError';
  }
}
