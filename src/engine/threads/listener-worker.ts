/** Worker entry: one listener on its own public WebSocket, in a thread of its own (listener-host.ts). */
import { workerData } from 'node:worker_threads';
import { attachSharedState } from '../shared/shared-state.js';
import { pinCurrentThread } from './affinity.js';
import { hostListener, type ListenerWorkerData } from './listener-host.js';
import { onShutdownMessage, post, workerLogger } from './worker-context.js';

export type { ListenerWorkerData };

const data = workerData as ListenerWorkerData;
const name = `listener-${data.index}`;
const log = workerLogger(data.logLevel, name);
if (data.cpu !== null) log.debug('pinning', { cpu: data.cpu, ...pinCurrentThread(data.cpu, name) });

const hosted = hostListener(data, attachSharedState(data.shared), log);

onShutdownMessage(() => {
  hosted.stop();
  process.exit(0);
});

post({ type: 'ready', detail: { listener: data.index, pairs: hosted.pairCount } });
