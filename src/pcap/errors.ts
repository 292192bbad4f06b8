// A damaged or unsupported capture. Readers hand out every packet they could read first, then
// throw this; `offset` is the file byte offset of the record or field that is wrong.

export class PcapError extends Error {
  override readonly name = 'PcapError';

  constructor(
    /** What is wrong, without the offset (e.g. "truncated record body: need 60 bytes, have 12"). */
    readonly reason: string,
    /** Byte offset in the file where the bad record or field starts. */
    readonly offset: number,
    /** How many packets were read before the error. */
    readonly packetsRead = 0,
  ) {
    super(`${reason} (at byte offset ${offset}, after ${packetsRead} packet${packetsRead === 1 ? '' : 's'})`);
  }
}

/** The largest captured length or block we accept; anything larger is treated as corruption, never allocated. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;
