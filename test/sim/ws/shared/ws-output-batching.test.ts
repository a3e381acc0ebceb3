/**
 * WsOutput batches the frames of one synchronous run into one socket write, and stamps a
 * dislocation only once its frame has really been handed to the kernel (after the uncork).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { WsConn, WsOutput } from '../../../../src/sim/ws/shared/ws-output.js';

/** Records, in order, what the output did to the socket and the WebSocket. */
function fakeConn(id: number, log: string[]): WsConn {
  const ws = {
    readyState: WebSocket.OPEN,
    bufferedAmount: 0,
    send: (frame: string) => log.push(`send ${id} ${frame}`),
  };
  const socket = {
    cork: () => log.push(`cork ${id}`),
    uncork: () => log.push(`uncork ${id}`),
  };
  return new WsConn(ws as unknown as WebSocket, id, socket as unknown as Duplex);
}

const microtasksDone = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('WsOutput batching', () => {
  test('frames written in one run share one cork/uncork per socket, uncorked after the run', async () => {
    const log: string[] = [];
    const out = new WsOutput({ maxBatchHoldMs: Infinity });
    const a = fakeConn(1, log);
    const b = fakeConn(2, log);
    out.broadcast([a, b], 'f1');
    out.send(a, 'f2');
    assert.deepEqual(log, ['cork 1', 'send 1 f1', 'cork 2', 'send 2 f1', 'send 1 f2']);
    await microtasksDone();
    assert.deepEqual(log.slice(5), ['uncork 1', 'uncork 2']);
    assert.equal(out.framesSent, 3);
    // The next run corks again.
    out.send(b, 'f3');
    await microtasksDone();
    assert.deepEqual(log.slice(7), ['cork 2', 'send 2 f3', 'uncork 2']);
  });

  test('a dislocation is stamped after its first socket is uncorked, once', async () => {
    const log: string[] = [];
    const stamps: number[] = [];
    const out = new WsOutput({
      maxBatchHoldMs: Infinity,
      onDislocationFrameWritten: (id) => {
        stamps.push(id);
        log.push(`stamp ${id}`);
      },
    });
    const a = fakeConn(1, log);
    const b = fakeConn(2, log);
    out.beginChange(7);
    out.broadcast([a, b], 'dislocated');
    out.endChange();
    assert.deepEqual(stamps, [], 'not stamped while the frame is still corked');
    await microtasksDone();
    assert.deepEqual(stamps, [7]);
    assert.deepEqual(log.slice(-3), ['uncork 1', 'stamp 7', 'uncork 2']);
  });

  test('a batch held for longer than the cap is written at once, mid-run', async () => {
    const log: string[] = [];
    let now = 100;
    const out = new WsOutput({ maxBatchHoldMs: 0.05, batchClockMs: () => now });
    const a = fakeConn(1, log);
    out.send(a, 'f1');
    now += 0.01;
    out.send(a, 'f2');
    assert.deepEqual(log, ['cork 1', 'send 1 f1', 'send 1 f2'], 'under the cap: still corked');
    now += 0.05;
    out.send(a, 'f3');
    assert.deepEqual(log.slice(3), ['send 1 f3', 'uncork 1'], 'over the cap: uncorked in the run');
    out.send(a, 'f4');
    await microtasksDone();
    assert.deepEqual(log.slice(5), ['cork 1', 'send 1 f4', 'uncork 1']);
  });

  test('a connection without a socket is written at once and stamped at once', () => {
    const stamps: number[] = [];
    const out = new WsOutput({ onDislocationFrameWritten: (id) => stamps.push(id) });
    const sent: string[] = [];
    const ws = { readyState: WebSocket.OPEN, bufferedAmount: 0, send: (f: string) => sent.push(f) };
    const conn = new WsConn(ws as unknown as WebSocket, 3);
    out.beginChange(9);
    out.send(conn, 'x');
    out.endChange();
    assert.deepEqual(sent, ['x']);
    assert.deepEqual(stamps, [9]);
  });
});
