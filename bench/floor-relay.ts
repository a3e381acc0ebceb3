/**
 * The floor (bench/README.md): the least any Node program can do over the same two loopback hops as
 * the system. It reads spread frames from the simulator's public WebSocket and, for a frame of a
 * watched pair, writes a fixed, pre-built IOC buy frame to the private WebSocket. The frame is not
 * parsed: the channel id (the digits after the opening `[`) indexes a table of ready Buffers.
 * Same library (`ws`) and options as the system's listener, so the difference to the system is the
 * system's own work (parse, store, evaluate, slot hand-off, trader).
 *
 * Its buy limit sits below every normal ask and above the dislocated ask, so frames without a
 * dislocation send an order that does not fill (no book change, no feedback loop).
 */
import WebSocket from 'ws';
import { KrakenRestClient } from '../src/kraken/rest.js';

export interface FloorRelayOptions {
  rest: string;
  wsPublic: string;
  wsPrivate: string;
  apiKey: string;
  apiSecret: string;
  pairs: Array<{ wsname: string; price: string; volume: string }>;
  /** Keep the event loop hot with a self-rescheduling setImmediate (busy-poll), like --spin. */
  spin: boolean;
  /** Also subscribe to these pairs (no order for them): the same feed load as the system's listener. */
  alsoWatch?: string[];
}

const MAX_CHANNEL_ID = 1 << 16;
const SETUP_TIMEOUT_MS = 20_000;
/** Kraken reads requests from text frames; a Buffer is sent as text with this (one shared object, no allocation). */
const TEXT_FRAME = { binary: false } as const;

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as FloorRelayOptions;
  const rest = new KrakenRestClient({
    baseUrl: o.rest,
    apiKey: o.apiKey,
    apiSecret: o.apiSecret,
    rateLimiter: null,
  });
  const { token } = await rest.getWebSocketsToken();
  const orderOfPair = new Map<string, Buffer>();
  for (const p of o.pairs) {
    orderOfPair.set(
      p.wsname,
      Buffer.from(
        JSON.stringify({
          event: 'addOrder',
          token,
          ordertype: 'limit',
          type: 'buy',
          pair: p.wsname,
          price: p.price,
          volume: p.volume,
          timeinforce: 'IOC',
        }),
      ),
    );
  }
  const opts = { perMessageDeflate: false, skipUTF8Validation: true } as const;
  const priv = new WebSocket(o.wsPrivate, opts);
  await new Promise<void>((resolve, reject) => {
    priv.once('open', () => resolve());
    priv.once('error', reject);
  });
  // Acks are not looked at (set FLOOR_DEBUG=1 to print them while debugging the relay).
  const debug = process.env['FLOOR_DEBUG'] !== undefined;
  priv.on('message', (d: Buffer) => {
    if (debug) process.stderr.write(d.toString('utf8') + '\n');
  });
  const orders: Array<Buffer | undefined> = new Array<Buffer | undefined>(MAX_CHANNEL_ID);
  let relayed = 0;
  const pub = new WebSocket(o.wsPublic, opts);
  let subscribed = 0;
  const allSubscribed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('E_FLOOR_SUBSCRIBE: not subscribed in time')),
      SETUP_TIMEOUT_MS,
    );
    pub.on('message', (data: Buffer) => {
      if (data[0] === 0x5b) {
        // '[' + channel id digits: the only bytes looked at.
        let id = 0;
        for (let i = 1; i < data.length; i++) {
          const c = data[i] as number;
          if (c < 0x30 || c > 0x39) break;
          id = id * 10 + (c - 0x30);
        }
        const order = id < MAX_CHANNEL_ID ? orders[id] : undefined;
        if (order !== undefined) {
          priv.send(order, TEXT_FRAME);
          relayed++;
        }
        return;
      }
      // Setup only: subscription events are JSON objects.
      const ev = JSON.parse(data.toString('utf8')) as {
        event?: string;
        channelID?: number;
        pair?: string;
        status?: string;
      };
      if (
        ev.event === 'subscriptionStatus' &&
        ev.status === 'subscribed' &&
        ev.channelID !== undefined &&
        ev.pair !== undefined
      ) {
        orders[ev.channelID] = orderOfPair.get(ev.pair);
        if (++subscribed === o.pairs.length + extra.length) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    pub.once('open', () => resolve());
    pub.once('error', reject);
  });
  const watched = new Set(o.pairs.map((p) => p.wsname));
  const extra = (o.alsoWatch ?? []).filter((n) => !watched.has(n));
  pub.send(
    JSON.stringify({ event: 'subscribe', pair: [...watched, ...extra], subscription: { name: 'spread' } }),
  );
  await allSubscribed;
  if (o.spin) {
    const spin = (): void => {
      setImmediate(spin);
    };
    setImmediate(spin);
  }
  process.on('message', (m: unknown) => {
    if ((m as { cmd?: string }).cmd === 'stop') {
      process.send?.({ type: 'stopped', relayed });
      pub.close();
      priv.close();
      setTimeout(() => process.exit(0), 100);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready' });
}

main().catch((err: unknown) => {
  process.stderr.write(`floor-relay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
