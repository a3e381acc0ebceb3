/**
 * Reads a `.env` file: `KEY=value` lines, `#` comments, optional `export `, single or double quotes.
 * Returns the pairs, the line each was set on, and the problems (line numbers only, never the
 * values: they may be secrets). A key set twice is a problem naming both lines: otherwise the
 * second line would win without a word.
 */
import { readFileSync } from 'node:fs';

export interface EnvFile {
  values: Record<string, string>;
  /** 1-based line of each key in `values`. */
  lines: Record<string, number>;
  /** The file name the problems and sources quote. */
  fileName: string;
  problems: string[];
}

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnvText(text: string, fileName = '.env'): EnvFile {
  const values: Record<string, string> = {};
  const lineOf: Record<string, number> = {};
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const line = raw.startsWith('export ') ? raw.slice(7).trim() : raw;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      problems.push(`${fileName}:${i + 1}: expected KEY=value`);
      continue;
    }
    const key = line.slice(0, eq).trim();
    if (!KEY_PATTERN.test(key)) {
      problems.push(`${fileName}:${i + 1}: invalid variable name`);
      continue;
    }
    let value = line.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
    } else if (quote === '"' || quote === "'") {
      problems.push(`${fileName}:${i + 1}: ${key} has an unterminated quote`);
      continue;
    } else {
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash).trim();
    }
    const first = lineOf[key];
    if (first !== undefined) {
      problems.push(`${fileName}:${i + 1}: ${key} is set twice (lines ${first} and ${i + 1}); keep one`);
      continue;
    }
    values[key] = value;
    lineOf[key] = i + 1;
  }
  return { values, lines: lineOf, fileName, problems };
}

/** A missing file is not a problem (the environment may carry everything). */
export function readEnvFile(path: string): EnvFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { values: {}, lines: {}, fileName: path, problems: [] };
    return {
      values: {},
      lines: {},
      fileName: path,
      problems: [`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`],
    };
  }
  return parseEnvText(text, path);
}
