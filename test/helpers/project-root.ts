/** The project root (the folder with package.json), found from this file both under tsx and from dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tsconfig.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('project root not found above ' + fileURLToPath(import.meta.url));
}

export const PROJECT_ROOT = findRoot();
/** Compiled entry points live under dist/ whatever runs the test. */
export const distPath = (...parts: string[]): string => join(PROJECT_ROOT, 'dist', ...parts);
