// One output capture per observation point ("node1/lxcfrontend:ingress" →
// node1_lxcfrontend_ingress.pcap), opened with the point's first packet, written streaming.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LinkType, PcapWriter, type PcapTimestamp } from '../pcap/index.js';
import { ReplayError } from './errors.js';
import { openOutputFile, type OutputFile } from './target.js';

export function pointFileName(point: string): string {
  return `${point.replace(/[^A-Za-z0-9.-]+/g, '_')}.pcap`;
}

export class PointCaptures {
  private readonly open = new Map<string, { writer: PcapWriter; file: OutputFile; path: string }>();

  constructor(private readonly dir: string) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new ReplayError('bad-input', `cannot create output directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  async write(point: string, timestamp: PcapTimestamp, data: Uint8Array): Promise<void> {
    let o = this.open.get(point);
    if (!o) {
      const path = join(this.dir, pointFileName(point));
      const file = openOutputFile(path, 'output capture');
      o = { writer: new PcapWriter(file.stream, { linkType: LinkType.ETHERNET, resolution: 'ns' }), file, path };
      this.open.set(point, o);
    }
    o.file.check();
    await o.writer.write({ timestamp, data });
  }

  files(): { point: string; path: string; packets: number }[] {
    return [...this.open].map(([point, o]) => ({ point, path: o.path, packets: o.writer.stats.packets }));
  }

  async close(): Promise<void> {
    for (const o of this.open.values()) await o.writer.close();
    for (const o of this.open.values()) o.file.check();
  }
}
