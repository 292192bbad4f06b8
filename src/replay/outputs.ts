// The replay's output captures in a directory, written streaming: passed.pcap (TC_ACT_OK /
// UNSPEC, XDP_PASS), dropped.pcap (TC_ACT_SHOT, XDP_DROP/ABORTED), redirect-IFINDEX.pcap per
// redirect target (redirect-unknown.pcap when the target is invisible, as in a kernel test
// run), other.pcap (any other action). passed and dropped always exist; the others appear
// with their first packet.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PcapWriter, LinkType, type PcapTimestamp } from '../pcap/index.js';
import { ReplayError } from './errors.js';
import { openOutputFile, type OutputFile } from './target.js';
import type { VerdictClass } from './verdict.js';

/** The output a verdict's packets go to (the file name without .pcap). */
export function outputName(verdict: VerdictClass, redirectIfindex?: number): string {
  return verdict === 'redirected' ? `redirect-${redirectIfindex ?? 'unknown'}` : verdict;
}

interface Open { writer: PcapWriter; file: OutputFile; path: string }

export class OutputCaptures {
  private readonly open = new Map<string, Open>();

  constructor(private readonly dir: string) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new ReplayError('bad-input', `cannot create output directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    this.get('passed');
    this.get('dropped');
  }

  async write(verdict: VerdictClass, redirectIfindex: number | undefined, timestamp: PcapTimestamp, data: Uint8Array): Promise<void> {
    const out = this.get(outputName(verdict, redirectIfindex));
    out.file.check();
    await out.writer.write({ timestamp, data });
  }

  /** Every file written, by name (without .pcap), with its packet count. */
  files(): { name: string; path: string; packets: number }[] {
    return [...this.open].map(([name, o]) => ({ name, path: o.path, packets: o.writer.stats.packets }));
  }

  async close(): Promise<void> {
    for (const o of this.open.values()) await o.writer.close();
    for (const o of this.open.values()) o.file.check();
  }

  private get(name: string): Open {
    let o = this.open.get(name);
    if (!o) {
      const path = join(this.dir, `${name}.pcap`);
      const file = openOutputFile(path, 'output capture');
      o = { writer: new PcapWriter(file.stream, { linkType: LinkType.ETHERNET, resolution: 'ns' }), file, path };
      this.open.set(name, o);
    }
    return o;
  }
}
