/**
 * Kraken's private REST methods that change orders. The REST transport never retries them (a lost
 * answer means the outcome is unknown), and they do not count against the REST call counter: they
 * count against the per-pair matching-engine limiter instead (docs/kraken-protocol.md §5.2).
 */
export const ORDER_CHANGING_METHODS: ReadonlySet<string> = new Set([
  'AddOrder',
  'AddOrderBatch',
  'CancelOrder',
  'CancelOrderBatch',
  'CancelAll',
  'CancelAllOrdersAfter',
  'EditOrder',
  'AmendOrder',
]);
