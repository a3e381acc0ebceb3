/**
 * The peer (bench/README.md): the same detection and IOC buy written the way a TypeScript user would
 * with the mainstream Kraken client library, ccxt (its `pro` WebSocket classes), against the same
 * simulator. Idiomatic ccxt: loadMarkets over REST, `watchBidsAsks` for every coin's USD and EUR
 * pair plus the USDT legs, a plain object of quotes, and `createOrderWs` with an IOC limit. The ROI
 * is the project's own pure formula (src/core/arbitrage.ts), so only the client stack differs.
 */
import ccxt from 'ccxt';
import { roiEurToUsd, roiUsdToEur } from '../src/core/arbitrage.js';

export interface PeerOptions {
  rest: string;
  wsPublicV2: string;
  wsPrivateV2: string;
  apiKey: string;
  apiSecret: string;
}

const TAKER_FEE = 0.004;
const MIN_ROI = 1.0;
const MAX_ORDER_USD = 1000;

interface Quote {
  bid: number;
  ask: number;
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as PeerOptions;
  const ex = new ccxt.pro.kraken({ apiKey: o.apiKey, secret: o.apiSecret, enableRateLimit: false });
  const api = ex.urls['api'] as Record<string, unknown>;
  api['public'] = o.rest;
  api['private'] = o.rest;
  api['ws'] = {
    ...(api['ws'] as Record<string, string>),
    publicV2: o.wsPublicV2,
    privateV2: o.wsPrivateV2,
    public: o.wsPublicV2,
    private: o.wsPrivateV2,
  };
  // ccxt needs this once for plain ws:// URLs (loopback has no TLS).
  await ex.loadHttpProxyAgent();
  await ex.loadMarkets();
  const markets = ex.markets as Record<string, { base: string; quote: string } | undefined>;
  const coins = new Set<string>();
  for (const m of Object.values(markets)) {
    if (m === undefined) continue;
    if (
      (m.quote === 'USD' || m.quote === 'EUR') &&
      m.base !== 'USDT' &&
      markets[`${m.base}/USD`] !== undefined &&
      markets[`${m.base}/EUR`] !== undefined
    )
      coins.add(m.base);
  }
  const symbols = ['USDT/USD', 'USDT/EUR'];
  for (const c of coins) symbols.push(`${c}/USD`, `${c}/EUR`);
  const quotes: Record<string, Quote> = {};
  let busy = false;
  let detected = 0;
  let skippedBusy = 0;
  let updates = 0;
  let orders = 0;
  let errors = 0;
  let stopping = false;

  const tryTrade = async (coin: string): Promise<void> => {
    const u = quotes[`${coin}/USD`];
    const e = quotes[`${coin}/EUR`];
    const tu = quotes['USDT/USD'];
    const te = quotes['USDT/EUR'];
    if (u === undefined || e === undefined || tu === undefined || te === undefined) return;
    const usdToEur = roiUsdToEur(u.ask, e.bid, tu.bid, te.ask, TAKER_FEE);
    const eurToUsd = roiEurToUsd(e.ask, u.bid, te.bid, tu.ask, TAKER_FEE);
    let symbol: string;
    let price: number;
    if (usdToEur > MIN_ROI && usdToEur >= eurToUsd) {
      symbol = `${coin}/USD`;
      price = u.ask;
    } else if (eurToUsd > MIN_ROI) {
      symbol = `${coin}/EUR`;
      price = e.ask;
    } else return;
    detected++;
    if (busy) {
      skippedBusy++;
      return;
    }
    busy = true;
    try {
      const amount = ex.amountToPrecision(symbol, MAX_ORDER_USD / price);
      await ex.createOrderWs(symbol, 'limit', 'buy', Number(amount), price, { timeInForce: 'IOC' });
      orders++;
    } catch {
      // Counted; a real bot would log it. Failed orders still reached the simulator (stamped).
      errors++;
    } finally {
      busy = false;
    }
  };

  const loop = async (): Promise<void> => {
    while (!stopping) {
      const tickers = await ex.watchBidsAsks(symbols);
      for (const [symbol, t] of Object.entries(tickers)) {
        if (t.bid === undefined || t.ask === undefined) continue;
        quotes[symbol] = { bid: t.bid, ask: t.ask };
        updates++;
        const base = symbol.slice(0, symbol.indexOf('/'));
        if (base !== 'USDT') void tryTrade(base);
      }
    }
  };
  process.on('message', (m: unknown) => {
    if ((m as { cmd?: string }).cmd === 'stop') {
      stopping = true;
      process.send?.({
        type: 'stopped',
        updates,
        detected,
        skippedBusy,
        orders,
        errors,
        symbols: symbols.length,
      });
      void ex.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  const first = ex.watchBidsAsks(symbols);
  await first;
  // A private call first, so the auth token and the private socket exist before the measured run.
  await ex.fetchBalance();
  process.send?.({ type: 'ready' });
  await loop();
}

main().catch((err: unknown) => {
  process.stderr.write(`peer-client: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
