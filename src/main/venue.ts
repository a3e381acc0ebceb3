/**
 * Where the run connects, and with which key: the built-in simulator (its own endpoints and
 * credentials; real ones are never sent to it) or Kraken (configured or default endpoints).
 */
import type { Config } from '../config/config.js';
import { resolveEndpoints, type KrakenEndpoints } from '../kraken/endpoints.js';
import type { SimProcess } from './sim-process.js';
import { EXIT_CONFIG, EXIT_START_FAILED, fail } from './exit.js';

export interface VenueCredentials {
  readonly apiKey: string | null;
  readonly apiSecret: string | null;
}

export function venueCredentials(config: Config, sim: SimProcess | null): VenueCredentials {
  return sim
    ? { apiKey: sim.endpoints.apiKey, apiSecret: sim.endpoints.apiSecret }
    : { apiKey: config.kraken.key, apiSecret: config.kraken.secret };
}

/** The REST and WebSocket URLs of the run, in the configured WebSocket API's version; exits if there are none. */
export function venueEndpoints(config: Config, sim: SimProcess | null): KrakenEndpoints {
  if (sim) {
    const e = sim.endpoints;
    const v2 = config.wsApi === 'v2';
    if (v2 && (e.wsPublicV2 === undefined || e.wsPrivateV2 === undefined))
      fail('The simulator does not serve WebSocket v2', EXIT_START_FAILED);
    return {
      rest: e.rest,
      wsPublic: v2 ? (e.wsPublicV2 as string) : e.wsPublic,
      wsPrivate: v2 ? (e.wsPrivateV2 as string) : e.wsPrivate,
    };
  }
  try {
    return resolveEndpoints({
      colocated: config.colocated,
      wsApi: config.wsApi,
      restUrl: config.kraken.restUrl ?? undefined,
      wsUrl: config.kraken.wsUrl ?? undefined,
      wsAuthUrl: config.kraken.wsAuthUrl ?? undefined,
    });
  } catch (err) {
    fail(`Configuration problems:\n  - ${(err as Error).message}`, EXIT_CONFIG);
  }
}

/** The venue as the operator surfaces name it. */
export function venueName(config: Config, sim: SimProcess | null): string {
  return sim ? 'the built-in simulator' : config.colocated ? 'Kraken (colocated)' : 'Kraken';
}
