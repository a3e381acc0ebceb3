/* eslint-disable @typescript-eslint/no-explicit-any -- corpus payloads are arbitrary JSON */
/** What the simulator conformance tests share: the corpus reference of a kind, and the shape check. */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.js';
import { privateCall, resultOf } from '../sim/rest/helpers.js';
import { RecordingClient } from '../sim/ws/shared/recording-client.js';
import { corpus, value } from '../helpers/corpus.js';
import { describeDiff, shapeDiff, type ShapeRules } from '../helpers/shape.js';

/** The corpus payload of `kind` whose label starts with `label`. */
export function ref(kind: string, label: string): any {
  const e = corpus(kind).find((x) => x.label.startsWith(label));
  assert.ok(e, `corpus ${kind}: ${label}`);
  return value(e);
}

/** The simulator's `actual` has Kraken's shape (`expected`), but for the differences `rules` allow. */
export function same(actual: unknown, expected: unknown, rules: ShapeRules = {}): void {
  const d = shapeDiff(actual, expected, rules);
  assert.equal(d.length, 0, `${describeDiff(d)}\nsimulator: ${JSON.stringify(actual).slice(0, 1500)}`);
}

export interface SimAndClient {
  sim: RunningSimulator;
  c: RecordingClient;
  /** A WebSocket token of the simulator's key (for private paths). */
  token: string;
}

/**
 * For the enclosing suite: a simulator and a recording client on one of its WebSocket paths,
 * started before the tests and stopped after them. The fields are set once `before` has run.
 */
export function simAndClient(
  path: 'wsPublic' | 'wsPrivate' | 'wsPublicV2' | 'wsPrivateV2',
  updatesPerSecond: number,
): SimAndClient {
  const h = {} as SimAndClient;
  before(async () => {
    h.sim = await startSimulator({ port: 0, seed: 5, coins: 14, updatesPerSecond });
    h.token = resultOf<{ token: string }>(await privateCall(h.sim, 'GetWebSocketsToken')).token;
    h.c = await RecordingClient.open(h.sim.urls[path]);
  });
  after(async () => {
    h.c.ws.terminate();
    await h.sim.stop();
  });
  return h;
}
