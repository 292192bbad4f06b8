// Regenerates test/fixtures/pcap: the sample packets written by text2pcap and editcap, and what
// tshark reads from each file, so the reader is checked against the real tools even where they
// are not installed. Run: npx tsx test/pcap/make-fixtures.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text2pcapDump, TEXT2PCAP_TIME_FORMAT } from './hexdump.js';
import { samplePackets } from './sample-packets.js';
import { run, tsharkFrames } from './tools.js';

const FIXTURE_DIR = join(import.meta.dirname, '../fixtures/pcap');
const FIXTURE_FILES = ['samples.pcapng', 'samples-nsec.pcap', 'samples-usec.pcap'] as const;

mkdirSync(FIXTURE_DIR, { recursive: true });
const dump = join(FIXTURE_DIR, 'samples.txt');
writeFileSync(dump, text2pcapDump(samplePackets()));
await run('text2pcap', ['-q', '-F', 'pcapng', '-t', TEXT2PCAP_TIME_FORMAT, '-N', 'fixture0', dump, join(FIXTURE_DIR, 'samples.pcapng')]);
await run('editcap', ['-F', 'nsecpcap', join(FIXTURE_DIR, 'samples.pcapng'), join(FIXTURE_DIR, 'samples-nsec.pcap')]);
await run('editcap', ['-F', 'pcap', join(FIXTURE_DIR, 'samples.pcapng'), join(FIXTURE_DIR, 'samples-usec.pcap')]);
for (const file of FIXTURE_FILES) {
  const frames = await tsharkFrames(join(FIXTURE_DIR, file));
  writeFileSync(join(FIXTURE_DIR, `${file}.tshark.json`), `${JSON.stringify(frames, null, 1)}\n`);
}
