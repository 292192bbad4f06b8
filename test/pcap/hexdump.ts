// Hexdump input for text2pcap: an epoch timestamp line ("%s.%f") before each packet's
// "offset bytes" lines.
import { formatTimestamp, type PcapTimestamp } from '../../src/pcap/index.js';

export const TEXT2PCAP_TIME_FORMAT = '%s.%f';

export function text2pcapDump(packets: readonly { timestamp: PcapTimestamp; data: Uint8Array }[]): string {
  const lines: string[] = [];
  for (const { timestamp, data } of packets) {
    lines.push(formatTimestamp(timestamp));
    for (let at = 0; at < data.length; at += 16) {
      const bytes = [...data.subarray(at, at + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      lines.push(`${at.toString(16).padStart(6, '0')} ${bytes}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
