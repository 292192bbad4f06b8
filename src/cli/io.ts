// Small I/O helpers shared by commands: reading inputs with errors that name the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { CliError, EXIT } from './exit-codes.js';

/** How a lone '-' argument reaches commands (yargs would drop it). */
export const STDIO_ARG = '\u0000stdio';

const isStdio = (path: string) => path === '-' || path === STDIO_ARG;

export function readInput(path: string, what: string): Uint8Array {
  try {
    return isStdio(path) ? readFileSync(0) : readFileSync(path);
  } catch (e) {
    throw new CliError(EXIT.BAD_INPUT, `cannot read ${what} ${isStdio(path) ? '-' : path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readJson(path: string, what: string): unknown {
  const text = Buffer.from(readInput(path, what)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(EXIT.BAD_INPUT, `${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

export function writeOutput(path: string, data: Uint8Array | string, what: string): void {
  try {
    if (isStdio(path)) process.stdout.write(data);
    else writeFileSync(path, data);
  } catch (e) {
    throw new CliError(EXIT.BAD_INPUT, `cannot write ${what} ${path}: ${(e as Error).message}`);
  }
}

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = [...bytes.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0'));
    lines.push(`${i.toString(16).padStart(4, '0')}  ${chunk.join(' ')}`);
  }
  return lines.join('\n');
}

export { isStdio };
