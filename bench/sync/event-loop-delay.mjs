// Preload for the Mixroom server under bench/sync: prints its main thread's event-loop delay every 5 s.
//   node --conditions=source --import tsx bench/sync/run.ts --node-args "--import ../../bench/sync/event-loop-delay.mjs"
// (the server runs in apps/server, so the path is relative to it)
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
const ms = (ns) => (ns / 1e6).toFixed(1);
setInterval(() => {
  process.stdout.write(
    `event-loop delay over 5 s: p50 ${ms(histogram.percentile(50))} ms, p99 ${ms(histogram.percentile(99))} ms, max ${ms(histogram.max)} ms\n`,
  );
  histogram.reset();
}, 5000).unref();
