// The gym board: tiles from the event stream, countdowns computed here from
// each state's end instant (ends_at, UTC), corrected by the server's clock.
"use strict";
const tiles = new Map();
let skewMs = 0;  // server clock minus this browser's clock

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function kg(x) { return x === null || x === undefined ? "" : `${+x} kg`; }

function tileFor(station) {
  let t = tiles.get(station);
  if (!t) {
    const root = el("div", "tile");
    root.dataset.station = station;
    root.append(el("div", "name", station), el("div", "phase"), el("div", "big"),
                el("div", "what"), el("div", "reps"));
    const box = document.getElementById("tiles");
    const after = [...box.children].find(c => c.dataset.station > station);
    box.insertBefore(root, after || null);
    t = { root, data: null };
    tiles.set(station, t);
  }
  return t;
}

function paint(t) {
  const d = t.data, s = d.state, r = t.root;
  r.classList.toggle("offline", !d.online);
  const phase = s ? s.phase : "READY";
  r.dataset.phase = phase;
  r.querySelector(".name").textContent = d.station + (s && s.athlete ? ` · ${s.athlete}` : "");
  r.querySelector(".phase").textContent = d.online ? phase : "OFFLINE";
  r.querySelector(".what").textContent = s ? [s.method, s.exercise, kg(s.load_kg)].filter(Boolean).join(" · ") : "";
  r.querySelector(".reps").textContent = s && s.reps_per_bout.length ? `reps ${s.reps_per_bout.join("+")} (bout ${s.bout})` : "";
  tick(t);
}

// What a tile's big line says at server time nowMs: {text, last3}. An
// offline tile shows when the station was last heard from, never the
// countdown of its last state (that rest went on without the board).
function bigText(d, nowMs) {
  const s = d && d.state;
  if (d && !d.online) return { text: d.seen_at ? `last seen ${hhmm(new Date(d.seen_at))}` : "", last3: false };
  if (!s) return { text: "", last3: false };
  if (s.ends_at && (s.phase === "REST" || s.phase === "LOWER")) {
    const left = (Date.parse(s.ends_at) - nowMs) / 1000;
    return { text: `${Math.max(0, Math.ceil(left))} s`, last3: s.phase === "REST" && left <= 3 };
  }
  return { text: s.phase === "DONE" ? `${s.total_reps} reps` : `${s.reps_in_bout}`, last3: false };
}

function hhmm(date) {  // local time of this browser, 24 h
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

function tick(t) {
  const b = bigText(t.data, Date.now() + skewMs);
  t.root.querySelector(".big").textContent = b.text;
  t.root.classList.toggle("last3", b.last3);
}

function setTile(d) { const t = tileFor(d.station); t.data = d; paint(t); }

function rows(id, items, cells) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(...items.map(x => {
    const tr = el("tr");
    for (const c of cells(x)) tr.append(el("td", "", c));
    return tr;
  }));
}

function lists(d) {
  rows("today", d.today, s => [new Date(s.started_at).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}),
    s.station, s.athlete || "", s.method, s.exercise || "", kg(s.load_kg), s.reps_per_bout.join("+"), s.status]);
  rows("week", d.week, w => [w.who, w.method, String(w.sets)]);
}

function connect() {
  const src = new EventSource("events");
  const conn = document.getElementById("conn");
  src.onopen = () => { conn.textContent = "live"; conn.className = "conn up"; };
  src.onerror = () => { conn.textContent = "reconnecting…"; conn.className = "conn down"; };
  src.addEventListener("board", e => {
    const d = JSON.parse(e.data);
    skewMs = d.server_time_ms - Date.now();
    d.tiles.forEach(setTile);
    lists(d);
  });
  src.addEventListener("tile", e => setTile(JSON.parse(e.data)));
  src.addEventListener("sets", e => lists(JSON.parse(e.data)));
}

if (typeof document !== "undefined") {  // a browser (node loads this file for the tests)
  setInterval(() => tiles.forEach(tick), 100);
  connect();
}
if (typeof module !== "undefined") module.exports = { bigText };
