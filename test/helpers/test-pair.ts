/** A PairInfo with plausible Kraken metadata, for tests that need pairs but not their exact values. */
import type { PairInfo } from '../../src/core/pair.js';

export function testPair(wsname: string, lotDecimals = 4, ordermin = 0.01): PairInfo {
  const [base = '', quote = ''] = wsname.split('/');
  return {
    id: wsname.replace('/', ''),
    altname: wsname.replace('/', ''),
    wsname,
    symbol: wsname,
    base,
    quote,
    baseId: base,
    quoteId: quote,
    pairDecimals: 2,
    lotDecimals,
    costDecimals: 5,
    ordermin,
    costmin: 0.5,
    tickSize: 0.01,
    status: 'online',
    takerFees: [[0, 0.4]],
    makerFees: [[0, 0.25]],
  };
}
