import type { SyncHub } from '../sync/sync-hub.js';
import type { SyncExtension } from '../sync/sync-types.js';
import type { Metrics } from './metrics.js';

/**
 * Reports the sync service to Prometheus: sockets and loaded documents are read from the hub at scrape
 * time; every change that becomes live is counted by where it came from (`connection`: a client on this
 * instance, `redis`: another instance, `server`: the server itself).
 */
export function syncMetrics(metrics: Metrics, hub: SyncHub): SyncExtension {
  metrics.observe('loadedDocuments', () => hub.loadedRooms().length);
  metrics.observe('syncSockets', () => hub.loadedRooms().reduce((n, room) => n + room.connections.size, 0));
  return {
    updated(_room, _update, origin) {
      metrics.syncUpdates.inc({ origin: origin.source });
    },
  };
}
