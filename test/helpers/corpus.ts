/**
 * The conformance corpus (test/corpus/*.json): payloads live Kraken sent, as recorded in public
 * client libraries' fixtures and issue threads, plus Kraken's own documentation examples marked as
 * such. Each file names its source; test/corpus/README.md has the rules. Tests read it from here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root.js';

export const CORPUS_DIR = join(PROJECT_ROOT, 'test', 'corpus');

export type Provenance = 'live' | 'client-fixture' | 'doc-example';
export const PROVENANCES: readonly Provenance[] = ['live', 'client-fixture', 'doc-example'];

export interface CorpusSource {
  repo: string;
  commit?: string;
  path?: string;
  url: string;
}

export interface CorpusEntry {
  /** e.g. `v1.openOrders`, `v2.executions`, `rest.AssetPairs`, `error-text`. */
  kind: string;
  label: string;
  /** The payload exactly as the source shows it (JSON text). */
  text: string;
  /** Per-entry source details, when the file's source has several. */
  path?: string;
  commit?: string;
  source?: string;
}

export interface CorpusFile {
  file: string;
  source: CorpusSource;
  provenance: Provenance;
  note: string;
  entries: CorpusEntry[];
}

let cache: CorpusFile[] | null = null;

export function corpusFiles(): CorpusFile[] {
  if (cache !== null) return cache;
  const files = readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  cache = files.map((file) => ({
    file,
    ...(JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as Omit<CorpusFile, 'file'>),
  }));
  return cache;
}

export interface LabelledEntry extends CorpusEntry {
  file: string;
  provenance: Provenance;
  /** `file: label`, for test names and failure messages. */
  name: string;
}

/** Every entry of the given kind, across files, with where it came from. */
export function corpus(kind: string): LabelledEntry[] {
  const out: LabelledEntry[] = [];
  for (const f of corpusFiles()) {
    for (const e of f.entries) {
      if (e.kind === kind)
        out.push({ ...e, file: f.file, provenance: f.provenance, name: `${f.file}: ${e.label}` });
    }
  }
  return out;
}

/** The payload as a JSON value. */
export function value(e: CorpusEntry): unknown {
  return JSON.parse(e.text) as unknown;
}
