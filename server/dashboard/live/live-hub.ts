// Stub: the live hub is being built (see live.types.ts for what it offers).
import type { Config } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import type { LiveHub } from './live.types';

export interface LiveHubDependencies {
  config: Pick<Config, 'LIVE_POLL_MS' | 'LIVE_HEARTBEAT_MS' | 'LIVE_STREAM_MAX_AGE_MS' | 'LIVE_MAX_STREAMS'>;
  logger: Logger;
}

export function createLiveHub(_deps: LiveHubDependencies): LiveHub {
  return {
    stream() {
      throw new Error('the live hub is not built yet');
    },
    versionOf: () => Promise.resolve(0),
    stats: () => ({ streams: 0, views: 0, computations: 0 }),
    stop: () => Promise.resolve(),
  };
}
