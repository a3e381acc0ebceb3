/**
 * `--check-config`: the configuration the program would run with, every variable with where its
 * value came from (default, environment, `.env:LINE`, a flag), secrets shown only as set or not.
 * Printed instead of starting anything.
 */
import type { Config } from './config.js';
import type { Flags } from './flags.js';
import { VARIABLES } from './variables.js';

/** Settings a flag overrides with --sim: the simulator hands out its own. */
const IGNORED_WITH_SIM = new Set([
  'KRAKEN_KEY',
  'KRAKEN_SECRET',
  'KRAKEN_REST_URL',
  'KRAKEN_WS_URL',
  'KRAKEN_WS_AUTH_URL',
]);

function shown(kind: string, value: string): string {
  if (value === '') return '(not set)';
  if (kind === 'secret') return '(set, hidden)';
  if (kind === 'url') {
    // A URL may carry a password (https://user:pass@host): never print it.
    try {
      const u = new URL(value);
      if (u.password !== '') u.password = 'hidden';
      return u.toString();
    } catch {
      return value;
    }
  }
  return value;
}

function flagRows(config: Config, flags: Flags): Array<[string, string, string]> {
  const given = (on: boolean): string => (on ? 'flag' : 'default');
  const rows: Array<[string, string, string]> = [
    ['mode', config.mode, given(flags.trade)],
    ['--ws-api', config.wsApi, given(flags.wsApi !== undefined)],
    ['--colocated', String(config.colocated), given(flags.colocated)],
    ['--sim', String(config.sim.enabled), given(flags.sim)],
    [
      '--duration',
      config.durationS === null ? '(until stopped)' : `${config.durationS} s`,
      given(flags.durationS !== undefined),
    ],
    ['--spin', String(config.spin), given(flags.spin)],
    ['--debug', String(config.debug), given(flags.debug)],
    ['--record', config.recordFile ?? '(off)', given(flags.recordFile !== undefined)],
    ['--clear-risk-stop', String(flags.clearRiskStop), given(flags.clearRiskStop)],
    [
      '--dashboard',
      config.dashboard === null ? '(off)' : `${config.dashboard.host}:${config.dashboard.port}`,
      given(flags.dashboard !== null),
    ],
  ];
  if (config.sim.enabled) {
    rows.push(
      ['--demo', String(config.sim.demo), given(flags.demo)],
      ['--sim-rate', `${config.sim.rate} updates/s`, given(flags.simRate !== undefined)],
      [
        '--sim-dislocations',
        `${config.sim.dislocationsPerMin}/min`,
        given(flags.simDislocationsPerMin !== undefined),
      ],
      ['--sim-coins', String(config.sim.coins), given(flags.simCoins !== undefined)],
      ['--sim-seed', String(config.sim.seed), given(flags.simSeed !== undefined)],
    );
  }
  return rows;
}

export function renderEffectiveConfig(
  config: Config,
  flags: Flags,
  values: Readonly<Record<string, string>>,
  sources: Readonly<Record<string, string>>,
): string {
  const rows = flagRows(config, flags);
  for (const spec of VARIABLES) {
    let value = shown(spec.kind, values[spec.name] ?? '');
    if (spec.name === 'LISTENERS') value = String(config.listeners);
    if (config.sim.enabled && IGNORED_WITH_SIM.has(spec.name) && (values[spec.name] ?? '') !== '')
      value += ' (ignored with --sim)';
    rows.push([spec.name, value, sources[spec.name] ?? 'default']);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.min(48, Math.max(...rows.map((r) => r[1].length)));
  const lines = rows.map(([n, v, s]) => `  ${n.padEnd(w0)}  ${v.padEnd(w1)}  ${s}`);
  return [
    'Effective configuration (nothing was started; secrets are hidden):',
    `  ${'setting'.padEnd(w0)}  ${'value'.padEnd(w1)}  from`,
    ...lines,
  ].join('\n');
}
