// `dpsim pcap info FILE [-j]` (capinfos) and `dpsim pcap convert IN OUT [--format pcap|pcapng]`.
// Exit 0 when the whole file was read; 1 when it is damaged part-way (what was read is still
// printed / converted); 3 for a missing file, a file that is not a capture, or bad usage.
import type { Argv } from 'yargs';
import { existsSync, rmSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { CaptureReader, convert, formatCaptureInfo, formatTimestamp, pcapInfo, PcapError, type CaptureInfo } from '../pcap/index.js';
import { openOutputFile } from '../replay/target.js';
import { ReplayError } from '../replay/errors.js';
import { CliError, EXIT } from './exit-codes.js';

const bad = (msg: string) => new CliError(EXIT.BAD_INPUT, msg);

function checkInput(path: string): void {
  if (!existsSync(path)) throw bad(`${path}: no such file`);
  if (statSync(path).isDirectory()) throw bad(`${path}: is a directory`);
}

const seconds = (ns: bigint) => formatTimestamp({ seconds: Number(ns / 1_000_000_000n), nanos: Number(ns % 1_000_000_000n) });

export function infoJson(info: CaptureInfo, file: string): Record<string, unknown> {
  return {
    file,
    packets: info.packetCount,
    file_type: info.fileType ?? null,
    byte_order: info.byteOrder ?? null,
    sections: info.sections,
    interfaces: info.interfaces.map((i) => ({
      id: i.id, link_type: i.linkType, link_type_name: i.linkTypeName, snaplen: i.snaplen, packets: i.packets,
      resolution: `${i.resolution.base}^-${i.resolution.exponent}`, ...(i.name ? { name: i.name } : {}),
    })),
    link_types: info.linkTypes.map((t) => ({ type: t, name: info.interfaces.find((i) => i.linkType === t)!.linkTypeName })),
    snaplen: info.snaplen,
    first_time: info.firstTimestamp ? formatTimestamp(info.firstTimestamp) : null,
    last_time: info.lastTimestamp ? formatTimestamp(info.lastTimestamp) : null,
    duration_seconds: seconds(info.durationNanos),
    data_bytes: info.dataBytes,
    captured_bytes: info.capturedBytes,
    average_packet_size: info.averagePacketSize,
    strict_time_order: info.strictTimeOrder,
    protocols: info.protocols,
    ...(info.error ? { error: { reason: info.error.reason, offset: info.error.offset, packets_read: info.error.packetsRead } } : {}),
  };
}

/** The capture format from the file's start (undefined when it is not a capture), reading one packet at most. */
async function sniff(path: string): Promise<{ format?: string; reason?: string }> {
  const reader = new CaptureReader(path);
  try {
    for await (const _ of reader) break;
  } catch (e) {
    if (!(e instanceof PcapError)) throw e;
    if (reader.format === undefined) return { reason: e.reason };
  }
  return { format: reader.format! };
}

function formatFromName(path: string): 'pcap' | 'pcapng' | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.pcap' || ext === '.cap' ? 'pcap' : ext === '.pcapng' || ext === '.ntar' ? 'pcapng' : undefined;
}

export function registerPcap(y: Argv): Argv {
  return y.command('pcap', 'summarise and convert capture files (pcap, pcapng)', (p) => p
    .command('info <file>', 'a capinfos-like summary: packets, link types, time span, snaplen, protocols', (c) => c
      .positional('file', { type: 'string', demandOption: true })
      .option('j', { alias: 'json', type: 'boolean', default: false, describe: 'one JSON object' }),
    async (a) => {
      const file = a.file as string;
      checkInput(file);
      const info = await pcapInfo(file);
      if (info.fileType === undefined) throw bad(`${file}: not a pcap or pcapng file: ${info.error?.reason ?? 'unknown format'}`);
      process.stdout.write((a.j ? JSON.stringify(infoJson(info, file)) : formatCaptureInfo(info, file)) + '\n');
      if (info.error) {
        process.stderr.write(`dpsim: ${file} is damaged: ${info.error.message}\n`);
        process.exitCode = EXIT.CHECK_FAILED;
      }
    })
    .command('convert <in> <out>', 'convert between pcap and pcapng (format from OUT\'s extension unless --format)', (c) => c
      .positional('in', { type: 'string', demandOption: true })
      .positional('out', { type: 'string', demandOption: true })
      .option('format', { choices: ['pcap', 'pcapng'] as const, describe: 'default: from OUT\'s extension (.pcap, .cap, .pcapng, .ntar)' })
      .option('resolution', { choices: ['us', 'ns'] as const, default: 'ns' as const, describe: 'timestamp resolution of a pcap output' }),
    async (a) => {
      const input = a.in as string, output = a.out as string;
      checkInput(input);
      const format = a.format ?? formatFromName(output);
      if (!format) throw bad(`${output}: cannot tell the format from the extension; give --format pcap or --format pcapng`);
      if (resolve(input) === resolve(output)) throw bad(`${output}: the output would overwrite the input`);
      const sniffed = await sniff(input);
      if (sniffed.format === undefined) throw bad(`${input}: not a pcap or pcapng file: ${sniffed.reason}`);
      let target;
      try { target = openOutputFile(output); } catch (e) { throw bad((e as ReplayError).message); }
      try {
        const r = await convert(input, target.stream, { format, resolution: a.resolution });
        target.check();
        process.stdout.write(`${output}: ${r.packets} packets written as ${format}\n`);
        if (r.precisionLoss) process.stderr.write(`dpsim: ${r.precisionLoss} timestamps lost digits finer than the output's resolution\n`);
        if (r.droppedComments) process.stderr.write(`dpsim: ${r.droppedComments} packet comments dropped (pcap cannot hold them)\n`);
      } catch (e) {
        if (e instanceof ReplayError) throw bad(e.message);
        if (e instanceof PcapError) {
          process.stdout.write(`${output}: ${e.packetsRead} packets written as ${format} (the input is damaged after them)\n`);
          throw new CliError(EXIT.CHECK_FAILED, `${input} is damaged: ${e.message}`);
        }
        rmSync(output, { force: true });
        throw bad(`${input}: ${(e as Error).message}`);
      }
    })
    .demandCommand(1, 'choose a pcap subcommand: info or convert'));
}
