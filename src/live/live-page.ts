/**
 * The live view page and its stylesheet. Static text with no data in it: the script
 * (live-script.ts, served from /live/app.js) fills it in with textContent and a canvas, so
 * nothing a source or a model names can become markup. No inline script or style (CSP).
 */
import { STAGES } from '../telemetry/schema.js';

const stageHeaders = STAGES.map((s) => `<th scope="col">${s}</th>`).join('');

export const LIVE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Adeline live view</title>
<link rel="stylesheet" href="/live/style.css">
<link rel="icon" href="/live/favicon.svg" type="image/svg+xml">
</head>
<body>
<header>
<h1>Adeline live view</h1>
<span id="conn" class="badge">connecting</span>
<span>health <span id="health" class="badge">?</span></span>
<span>pipeline <span id="pipeline" class="badge">?</span></span>
</header>
<main>
<section id="tiles" class="tiles" aria-label="sources"></section>
<section>
<h2>Stage timings of the latest frames shown (ms)</h2>
<table id="timings"><thead><tr><th scope="col">source</th><th scope="col">frame</th>${stageHeaders}<th scope="col">trace id</th></tr></thead><tbody></tbody></table>
</section>
<section class="cols">
<div><h2>Health</h2><table id="checks"><thead><tr><th scope="col">check</th><th scope="col">status</th><th scope="col">message</th></tr></thead><tbody></tbody></table></div>
<div><h2>Last control commands</h2><table id="commands"><thead><tr><th scope="col">time</th><th scope="col">command</th><th scope="col">reply</th><th scope="col">detail</th></tr></thead><tbody></tbody></table></div>
</section>
</main>
<script src="/live/app.js" defer></script>
</body>
</html>
`;

export const LIVE_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; }
header { display: flex; gap: 1.2em; align-items: center; padding: .5em 1em; background: #1f2937; color: #f9fafb; }
header h1 { font-size: 1.1em; margin: 0; }
main { padding: 0 1em 1em; }
h2 { font-size: 1em; margin: 1em 0 .4em; }
.badge { padding: .1em .5em; border-radius: .6em; background: #6b7280; color: #fff; font-size: .9em; }
.healthy, .delivering, .running, .ok, .live { background: #15803d; }
.degraded, .backpressured, .paused, .reconnecting, .connecting { background: #b45309; }
.unhealthy, .stalled, .failed, .error, .ended, .lost { background: #b91c1c; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1em; margin-top: 1em; }
.tile { border: 1px solid #9ca3af; border-radius: .4em; padding: .5em; }
.tile h3 { font-size: 1em; margin: 0 0 .4em; overflow-wrap: anywhere; }
.tile canvas { width: 100%; height: auto; background: #111827; display: block; }
.meta { font-size: .9em; margin: .4em 0; display: flex; flex-wrap: wrap; gap: .8em; }
table { border-collapse: collapse; font-size: .85em; width: 100%; }
th, td { text-align: left; padding: .15em .5em; border-bottom: 1px solid #d1d5db; overflow-wrap: anywhere; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
`;

export const LIVE_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="2" y="3" width="12" height="10" fill="none" stroke="#22d3ee" stroke-width="2"/></svg>';
