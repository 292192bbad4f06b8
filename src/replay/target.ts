// Opening an output file for a capture writer so that failures are errors, not crashes: the
// file is opened synchronously (a missing directory or no permission throws here), and write
// errors later are kept and re-thrown by check().

import { closeSync, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { ReplayError } from './errors.js';

export interface OutputFile {
  stream: WriteStream;
  /** Throws the first write error, if any. */
  check(): void;
}

export function openOutputFile(path: string, what = 'output'): OutputFile {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new ReplayError('bad-input', `cannot write ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let error: Error | undefined;
  let stream: WriteStream;
  try {
    stream = createWriteStream(path, { fd });
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  stream.on('error', (e) => { error ??= e; });
  return {
    stream,
    check: () => {
      if (error) throw new ReplayError('bad-input', `cannot write ${what} ${path}: ${error.message}`);
    },
  };
}
