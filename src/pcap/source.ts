// Where capture bytes come from: a path (read in 1 MiB chunks), a Readable, any (async) iterable
// of byte chunks, or bytes already in memory. Chunks are pulled only as the consumer asks, so
// back-pressure holds.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export type CaptureSource = string | Uint8Array | Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

const READ_CHUNK_BYTES = 1 << 20;

export async function* chunksOf(source: CaptureSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  const iterable: AsyncIterable<unknown> | Iterable<unknown> = typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_CHUNK_BYTES }) : source;
  for await (const chunk of iterable) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('capture source must yield bytes (Uint8Array/Buffer), not strings or objects');
    yield chunk;
  }
}
