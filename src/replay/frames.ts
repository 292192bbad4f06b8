// The packets of a capture as Ethernet frames, read streaming, `loop` times over (0: until
// stopped), at most `limit` in all. Packets whose link type cannot be made an Ethernet frame
// are handed out without a frame (the caller counts them as skipped). A damaged file ends the
// stream with its PcapError after the packets before the damage; a file that is not a
// capture at all (or is missing) is a ReplayError('bad-input').

import { createReadStream, statSync, type ReadStream } from 'node:fs';
import { CaptureReader, PcapError, toEthernetFrame, type PcapTimestamp } from '../pcap/index.js';
import { ReplayError } from './errors.js';

export interface ReplayFrame {
  /** 1-based among the frames handed out (across loops). */
  number: number;
  /** 0-based loop iteration. */
  loop: number;
  /** First packet of a loop iteration after the first. */
  loopStart: boolean;
  timestamp: PcapTimestamp;
  /** undefined: the link type has no Ethernet form. */
  frame: Uint8Array | undefined;
  linkType: number;
}

export interface FrameSourceOptions {
  loop: number;
  limit?: number;
  /** Checked before each packet: true ends the stream early (Ctrl-C). */
  stopped?: () => boolean;
  /** Kept up to date with how far the reading is, for progress. */
  position?: ReadPosition;
}

/** How far through the file (and its loops) the reading is: progress without a counting pass. */
export class ReadPosition {
  size = 0;
  loops = 0;
  loop = 0;
  stream: ReadStream | undefined;

  /** 0..1 of the bytes of every loop; undefined when looping until stopped. */
  fraction(): number | undefined {
    if (this.loops === 0 || this.size === 0) return undefined;
    return Math.min(1, (this.loop * this.size + (this.stream?.bytesRead ?? 0)) / (this.loops * this.size));
  }
}

const READ_CHUNK_BYTES = 1 << 20;

export async function* replayFrames(file: string, opts: FrameSourceOptions): AsyncGenerator<ReplayFrame, void, undefined> {
  let number = 0;
  const more = () => (opts.limit === undefined || number < opts.limit) && !opts.stopped?.();
  const position = opts.position ?? new ReadPosition();
  try {
    position.size = statSync(file).size;
  } catch (e) {
    throw new ReplayError('bad-input', `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  position.loops = opts.loop;
  for (let loop = 0; (opts.loop === 0 || loop < opts.loop) && more(); loop++) {
    let first = true;
    let any = false;
    position.loop = loop;
    position.stream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
    const reader = new CaptureReader(position.stream);
    try {
      for await (const p of reader) {
        if (!more()) return;
        any = true;
        number++;
        yield { number, loop, loopStart: first && loop > 0, timestamp: p.timestamp, frame: toEthernetFrame(p), linkType: p.linkType };
        first = false;
      }
    } catch (e) {
      if (e instanceof PcapError && reader.format === undefined) throw new ReplayError('bad-input', `${file}: not a pcap or pcapng file: ${e.reason}`);
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ReplayError('bad-input', `${file}: no such file`);
      if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new ReplayError('bad-input', `${file}: is a directory`);
      throw e;
    }
    if (!any) return; // an empty capture loops forever otherwise
  }
}
