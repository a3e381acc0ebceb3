/**
 * Argument validation for AddOrder, Kraken's way: each bad field gives
 * `EGeneral:Invalid arguments:<field>`; decimals beyond pair_decimals / lot_decimals are checked on
 * the text the client sent. Pure: no account, no market state.
 */
import type { OrderRequest, OrderSide, SimPair } from '../contracts.js';
import { onTick, parseDecimal } from './decimal.js';

export interface ParsedOrder {
  type: OrderSide;
  ordertype: 'limit' | 'market';
  /** Limit price; 0 for market orders. */
  price: number;
  volume: number;
  timeinforce: 'GTC' | 'IOC' | 'GTD';
  oflags: string;
  post: boolean;
  /**
   * The fee is taken in the base asset: `fcib`, or neither flag on a sell (Kraken's documented
   * default: fcib for sells, fciq for buys). The simulator applies the documented default — the
   * harsher case — so a client that leaves the fee currency to Kraken finds out here, not live.
   */
  feeInBase: boolean;
  userref: number;
  clOrdId: string | undefined;
}

export type Parsed = { ok: true; order: ParsedOrder } | { ok: false; error: string };

const KNOWN_OFLAGS = new Set(['post', 'fcib', 'fciq', 'nompp']);
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
/** Kraken: free text up to 18 ASCII characters, or a UUID (36 with dashes, 32 without). */
const CL_ORD_ID_RE =
  /^(?:[\x20-\x7e]{1,18}|[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})$/;

const invalid = (field: string): Parsed => ({ ok: false, error: `EGeneral:Invalid arguments:${field}` });

export function parseOrder(req: OrderRequest, pair: SimPair): Parsed {
  if (req.type !== 'buy' && req.type !== 'sell') return invalid('type');
  if (req.ordertype !== 'limit' && req.ordertype !== 'market') return invalid('ordertype');

  const vol = parseDecimal(req.volume);
  if (vol === undefined || vol.value <= 0 || vol.decimals > pair.lotDecimals) return invalid('volume');

  let price = 0;
  if (req.ordertype === 'limit') {
    const p = parseDecimal(req.price);
    if (p === undefined || p.value <= 0) return invalid('price');
    // Live wording, the pair named as the request named it (test/corpus/issue-threads-errors.json).
    if (p.decimals > pair.pairDecimals)
      return {
        ok: false,
        error: `EOrder:Invalid price:${req.pair} price can only be specified up to ${pair.pairDecimals} decimals.`,
      };
    price = p.value;
  } else if (req.price !== undefined && req.price !== '' && parseDecimal(req.price) === undefined) {
    return invalid('price');
  }

  const tif = req.timeinforce ?? 'GTC';
  if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'GTD') return invalid('timeinforce');
  // GTD needs expiretm, which this simulator does not model: refuse it clearly rather than pretend.
  if (tif === 'GTD') return invalid('expiretm');

  const flags = (req.oflags ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
  for (const f of flags) if (!KNOWN_OFLAGS.has(f)) return invalid('oflags');
  const post = flags.includes('post');
  if (post && (req.ordertype !== 'limit' || tif === 'IOC')) return invalid('oflags');
  if (flags.includes('fcib') && flags.includes('fciq')) return invalid('oflags');
  const feeInBase = flags.includes('fcib') || (!flags.includes('fciq') && req.type === 'sell');

  const userref = req.userref ?? 0;
  if (!Number.isInteger(userref) || userref > INT32_MAX || userref < INT32_MIN) return invalid('userref');
  if (req.clOrdId !== undefined) {
    if (typeof req.clOrdId !== 'string' || !CL_ORD_ID_RE.test(req.clOrdId)) return invalid('cl_ord_id');
    if (req.userref !== undefined && req.userref !== 0) return invalid('cl_ord_id');
  }

  if (req.ordertype === 'limit' && !onTick(price, pair.tickSize, pair.pairDecimals)) {
    return { ok: false, error: 'EOrder:Tick size check failed' };
  }
  return {
    ok: true,
    order: {
      type: req.type,
      ordertype: req.ordertype,
      price,
      volume: vol.value,
      timeinforce: tif,
      oflags: flags.join(','),
      post,
      feeInBase,
      userref,
      clOrdId: req.clOrdId,
    },
  };
}
