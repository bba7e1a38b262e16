/**
 * Development probe (not part of the suite): an idle Node process that prints, once it ends, the
 * lateness of a 10 ms monitorEventLoopDelay per second (maximum minus the 10 ms resolution, as the
 * service's event_loop check reads it). Run it beside the service to see how much of the service's
 * event-loop maximum is the wait for a core (docs/benchmarks.md):
 *
 *   node bench/dev/idle-lateness.mjs 40000 & node --import tsx bench/dev/realvideo-ab.ts people/yolo11n-320 2
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setInterval, setTimeout } from 'node:timers';

const ms = Number(process.argv[2] ?? 20000);
const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
const perSecond = [];
setInterval(() => {
  perSecond.push((h.max / 1e6 - 10).toFixed(1));
  h.reset();
}, 1000);
setTimeout(() => {
  console.log(`idle process, event-loop lateness per second (ms): ${perSecond.join(' ')}`);
  process.exit(0);
}, ms);
