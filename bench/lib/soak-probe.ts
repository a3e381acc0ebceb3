/**
 * What the soak samples from the outside, as an operator would: bytes and files under the run's
 * directories, open file handles and RSS of the program's process (every thread: /proc), and the
 * simulator's count of WebSocket connections the program opened.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rssBytes } from './proc-stats.js';

export interface DirUsage {
  bytes: number;
  files: string[];
}

/** Sizes of the regular files directly in `dir` (missing directory: nothing). */
export function dirUsage(dir: string): DirUsage {
  const out: DirUsage = { bytes: 0, files: [] };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    try {
      const st = statSync(join(dir, name));
      if (!st.isFile()) continue;
      out.bytes += st.size;
      out.files.push(name);
    } catch {
      // deleted between readdir and stat (pruned): not there any more
    }
  }
  return out;
}

/** Open file descriptors of a process (sockets, files, pipes, epoll…), or NaN. */
export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

export interface SoakSample {
  tS: number;
  rssMb: number;
  fds: number;
  logBytes: number;
  metricsBytes: number;
  journalBytes: number;
  /** Public WebSocket connections the simulator has accepted from the program so far. */
  connections: number;
  /** Updates the program reports processed (its status line). */
  updates: number;
}

export function sampleProcess(pid: number): { rssMb: number; fds: number } {
  return { rssMb: rssBytes(pid) / (1024 * 1024), fds: openFds(pid) };
}
