// The process's peak resident set size (VmHWM in /proc/self/status), in KiB; undefined off Linux.

import { readFileSync } from 'node:fs';

export function peakRssKiB(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
