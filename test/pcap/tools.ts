// Running the real tools (tshark, text2pcap, editcap, capinfos, tcpdump) from tests. A test that
// needs a missing tool is skipped with the reason printed.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'vitest';

const execFileAsync = promisify(execFile);

export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
}

/** A test that runs external tools: skipped, saying which are missing, when any is. */
export function toolTest(tools: readonly string[], name: string, fn: () => Promise<void> | void, timeoutMs?: number): void {
  test(
    name,
    async (ctx) => {
      const missing = missingTools(tools);
      if (missing.length > 0) {
        const reason = `${missing.join(', ')} not installed`;
        console.warn(`[dpsim] skipping "${name}": ${reason}`);
        ctx.skip(reason);
      }
      await fn();
    },
    timeoutMs,
  );
}

export async function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await execFileAsync(cmd, [...args], { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
  return stdout;
}

export interface TsharkFrame {
  interfaceId: number;
  /** frame.encap_type; undefined for records that are not packets (tshark shows custom blocks). */
  encapType?: number;
  /** frame.time_epoch exactly as printed: "1700000000.123456789". */
  epoch: string;
  len: number;
  capLen: number;
  hex: string;
  protocols: string;
  /** Packet comments, several joined by "\n". */
  comment?: string;
}

/** Every frame as tshark sees it (JSON with raw bytes). */
export async function tsharkFrames(file: string, extra: readonly string[] = []): Promise<TsharkFrame[]> {
  const out = await run('tshark', ['-r', file, '-T', 'json', '--no-duplicate-keys', '-x', '-j', 'frame pkt_comment', ...extra]);
  const docs = JSON.parse(out) as { _source: { layers: Record<string, unknown> } }[];
  return docs.map(({ _source: { layers } }) => {
    const frame = layers.frame as Record<string, string>;
    // Several comments come as an array; we compare them as lines of one string.
    const comments = (layers.pkt_comment as Record<string, string | string[]> | undefined)?.['frame.comment'];
    const comment = Array.isArray(comments) ? comments.join('\n') : comments;
    return {
      interfaceId: Number(frame['frame.interface_id'] ?? 0),
      ...(frame['frame.encap_type'] !== undefined ? { encapType: Number(frame['frame.encap_type']) } : {}),
      epoch: frame['frame.time_epoch']!,
      len: Number(frame['frame.len']),
      capLen: Number(frame['frame.cap_len']),
      hex: (layers.frame_raw as [string])[0],
      protocols: frame['frame.protocols']!,
      ...(comment !== undefined ? { comment } : {}),
    };
  });
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'dpsim-pcap-'): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
