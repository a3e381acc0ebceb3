/**
 * Makes a directory's entries durable (fsync of the directory itself): after creating, renaming or
 * removing a file, the file's own fsync does not cover its name; a power cut could undo the change.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
