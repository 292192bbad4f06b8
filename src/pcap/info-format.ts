// capinfos-style text for a CaptureInfo, for the CLI: one "Label: value" line per fact.
import type { CaptureInfo } from './info.js';
import { formatTimestamp, type PcapTimestamp } from './timestamp.js';

export function formatCaptureInfo(info: CaptureInfo, fileName?: string): string {
  const lines: [string, string][] = [];
  if (fileName) lines.push(['File name', fileName]);
  lines.push(['File type', info.fileType ?? 'unknown']);
  if (info.byteOrder) lines.push(['Byte order', info.byteOrder]);
  for (const iface of info.interfaces) {
    const name = iface.name ? ` (${iface.name})` : '';
    const resolution = `${iface.resolution.base}^-${iface.resolution.exponent} s`;
    lines.push([`Interface ${iface.id}${name}`, `${iface.linkTypeName} (${iface.linkType}), snaplen ${iface.snaplen}, resolution ${resolution}, ${iface.packets} packets`]);
  }
  lines.push(['Number of packets', String(info.packetCount)]);
  lines.push(['Data size', `${info.dataBytes} bytes (${info.capturedBytes} captured)`]);
  lines.push(['Average packet size', `${info.averagePacketSize.toFixed(2)} bytes`]);
  if (info.firstTimestamp && info.lastTimestamp) {
    lines.push(['First packet time', describeTime(info.firstTimestamp)]);
    lines.push(['Last packet time', describeTime(info.lastTimestamp)]);
    lines.push(['Capture duration', `${formatTimestamp({ seconds: Number(info.durationNanos / 1_000_000_000n), nanos: Number(info.durationNanos % 1_000_000_000n) })} seconds`]);
  }
  lines.push(['Strict time order', String(info.strictTimeOrder)]);
  const { network, transport } = info.protocols;
  lines.push(['Network protocols', Object.entries(network).map(([k, v]) => `${k} ${v}`).join(', ')]);
  lines.push(['Transport protocols', Object.entries(transport).map(([k, v]) => `${k} ${v}`).join(', ')]);
  if (info.error) lines.push(['Error', info.error.message]);
  const width = Math.max(...lines.map(([label]) => label.length)) + 2;
  return lines.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join('\n');
}

/** "1700000000.123456789 (2023-11-14T22:13:20.123456789Z)". */
function describeTime(ts: PcapTimestamp): string {
  const iso = new Date(ts.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `.${String(ts.nanos).padStart(9, '0')}Z`);
  return `${formatTimestamp(ts)} (${iso})`;
}
