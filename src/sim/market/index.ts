/** The simulator's market model: what the composition and the servers import. */
export { createMarket, type MarketStats, type SimMarketModel } from './market.js';
export { MarketOptionsError, type MarketOptions, DEFAULT_UPDATES_PER_SECOND } from './market-params.js';
export type {
  Dislocation,
  DislocationListener,
  DislocationPhase,
  DislocationRequest,
  DislocationState,
} from './dislocations.js';
export { generateUniverse, type SimCoin, type SimUniverse, type UniverseOptions } from './universe.js';
export { coinRoi, feeFactor, type ArbDirection, type CoinRoi } from './roi.js';
export { BOOK_DEPTH_MAX, BOOK_DEPTH_MIN } from './liquidity.js';
