// Lines for stdout gathered into 64 KiB writes: a million verdict lines must not cost a
// million write calls.

const FLUSH_BYTES = 64 * 1024;

export class StdoutBuffer {
  private parts: string[] = [];
  private size = 0;
  /** Runs before each write (e.g. to clear a progress bar on the same terminal). */
  beforeFlush: (() => void) | undefined;

  constructor(private readonly out: { write(s: string): unknown } = process.stdout) {}

  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    this.beforeFlush?.();
    this.out.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
