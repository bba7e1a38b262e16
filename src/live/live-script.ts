/**
 * The live view's browser script, served as /live/app.js (same origin, so the CSP can forbid
 * inline script). It reads one event stream (/live/events): `frame` events carry a JPEG and the
 * published boxes of that same frame, drawn together on a canvas; `status` events carry source
 * states, health and the last commands. Every string from the service is set with textContent
 * or drawn with fillText: nothing is parsed as HTML. window.adelineLive exposes what was drawn
 * (for the browser test and for debugging).
 */
import { STAGES } from '../telemetry/schema.js';

export const LIVE_SCRIPT = `'use strict';
(() => {
  const STAGES = ${JSON.stringify(STAGES)};
  let maxTimings = 20;
  const tiles = new Map();
  const timings = [];
  let linkTemplate = null;
  const drawn = {};

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function badge(node, value) {
    node.textContent = String(value);
    node.className = 'badge ' + String(value).replace(/[^a-z_]/g, '');
  }
  function fill(tbody, rows) {
    const frag = document.createDocumentFragment();
    for (const cells of rows) {
      const tr = document.createElement('tr');
      for (const c of cells) tr.appendChild(c instanceof Node ? wrap(c) : el('td', '', c));
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
  }
  function wrap(node) {
    const td = document.createElement('td');
    td.appendChild(node);
    return td;
  }

  function tile(id) {
    let t = tiles.get(id);
    if (t) return t;
    const root = el('article', 'tile');
    root.dataset.sourceId = String(id);
    const title = el('h3', '', 'source ' + id);
    const desc = el('span', 'desc');
    title.append(': ', desc);
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const meta = el('div', 'meta');
    const state = el('span', 'badge', 'connecting');
    const fps = el('span', 'fps', 'fps ?');
    const drops = el('span', 'drops', 'drops 0');
    const frame = el('span', 'frame', 'frame -');
    meta.append(state, fps, drops, frame);
    const dets = el('table', 'detections');
    const head = el('thead');
    const hr = el('tr');
    for (const h of ['class', 'confidence', 'track', 'box (x1, y1, x2, y2)']) hr.appendChild(el('th', '', h));
    head.appendChild(hr);
    const body = el('tbody');
    dets.append(head, body);
    root.append(title, canvas, meta, dets);
    document.getElementById('tiles').appendChild(root);
    t = { root, desc, canvas, state, fps, drops, frame, body, busy: false };
    tiles.set(id, t);
    return t;
  }

  function label(d) {
    let s = d.class + ' ' + d.confidence.toFixed(2);
    if (d.track_id !== null) s += ' #' + d.track_id;
    return s;
  }

  function draw(t, ev, bmp) {
    const c = t.canvas;
    if (c.width !== ev.width) c.width = ev.width;
    if (c.height !== ev.height) c.height = ev.height;
    const g = c.getContext('2d');
    g.drawImage(bmp, 0, 0);
    const lw = Math.max(2, Math.round(ev.width / 320));
    g.lineWidth = lw;
    const fontPx = Math.max(10, Math.round(ev.width / 40));
    g.font = fontPx + 'px sans-serif';
    g.textBaseline = 'bottom';
    if (ev.roi) {
      g.setLineDash([8, 6]);
      g.strokeStyle = '#facc15';
      g.strokeRect(ev.roi.x1, ev.roi.y1, ev.roi.x2 - ev.roi.x1, ev.roi.y2 - ev.roi.y1);
      g.setLineDash([]);
    }
    for (const d of ev.detections) {
      const [x1, y1, x2, y2] = d.box;
      g.strokeStyle = '#22d3ee';
      g.strokeRect(x1, y1, x2 - x1, y2 - y1);
      const text = label(d);
      const w = g.measureText(text).width + 6;
      const h = fontPx + 4;
      const ty = y1 > h ? y1 : y1 + h;
      g.fillStyle = 'rgba(8, 51, 68, 0.8)';
      g.fillRect(x1, ty - h, w, h);
      g.fillStyle = '#ecfeff';
      g.fillText(text, x1 + 3, ty - 2);
    }
    t.frame.textContent = 'frame ' + ev.frame_id + ' · ' + ev.detections.length + ' detections';
    fill(t.body, ev.detections.map((d) => [d.class, d.confidence.toFixed(3), d.track_id === null ? '' : d.track_id, d.box.map((v) => Math.round(v)).join(', ')]));
    const prev = drawn[ev.source_id];
    drawn[ev.source_id] = { frame_id: ev.frame_id, message_id: ev.message_id, trace_id: ev.trace_id, roi: ev.roi, detections: ev.detections, count: prev ? prev.count + 1 : 1 };
    t.root.dataset.frameId = String(ev.frame_id);
  }

  function onFrame(ev) {
    const t = tile(ev.source_id);
    addTimings(ev);
    if (t.busy) return; // the previous frame is still being decoded: show the next one
    t.busy = true;
    const bin = atob(ev.jpeg);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }))
      .then((bmp) => {
        draw(t, ev, bmp);
        bmp.close();
      })
      .catch(() => undefined)
      .finally(() => (t.busy = false));
  }

  function traceCell(id) {
    if (!id) return '';
    const short = id.slice(0, 16) + '…';
    if (!linkTemplate || !/^https?:\\/\\//i.test(linkTemplate)) return short;
    const a = el('a', '', short);
    a.href = linkTemplate.split('{trace_id}').join(encodeURIComponent(id));
    a.title = id;
    a.rel = 'noopener noreferrer';
    a.target = '_blank';
    return a;
  }

  function addTimings(ev) {
    timings.unshift(ev);
    while (timings.length > maxTimings) timings.pop();
    renderTimings();
  }
  function renderTimings() {
    fill(document.querySelector('#timings tbody'), timings.map((ev) => [ev.source_id, ev.frame_id, ...STAGES.map((s) => (ev.stages[s] === undefined ? '' : ev.stages[s].toFixed(2))), traceCell(ev.trace_id)]));
  }

  function onStatus(st) {
    maxTimings = st.timings_frames;
    const newLink = st.trace_link_template;
    if (newLink !== linkTemplate) {
      linkTemplate = newLink;
      renderTimings();
    }
    badge(document.getElementById('health'), st.health.status);
    badge(document.getElementById('pipeline'), st.pipeline);
    for (const s of st.sources) {
      const t = tile(s.id);
      t.desc.textContent = s.description;
      badge(t.state, s.state);
      t.fps.textContent = 'fps ' + (s.fps === null ? '?' : s.fps.toFixed(1));
      const parts = Object.entries(s.drops).filter((e) => e[1] > 0).map((e) => e[0] + ' ' + e[1]);
      t.drops.textContent = 'drops ' + (parts.length ? parts.join(', ') : '0');
    }
    fill(document.querySelector('#checks tbody'), st.health.checks.map((c) => [c.name, c.status, c.message]));
    fill(document.querySelector('#commands tbody'), st.commands.map((c) => [c.at, c.command, c.status, c.detail]));
    window.adelineLive.status = st;
  }

  window.adelineLive = { drawn, status: null };
  const es = new EventSource('/live/events');
  const conn = document.getElementById('conn');
  es.addEventListener('open', () => badge(conn, 'live'));
  es.addEventListener('error', () => badge(conn, 'lost'));
  es.addEventListener('frame', (m) => onFrame(JSON.parse(m.data)));
  es.addEventListener('status', (m) => onStatus(JSON.parse(m.data)));
})();
`;
