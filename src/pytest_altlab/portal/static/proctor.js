// The proctor console: the room pushed by the server (SSE), and per candidate: watch, extra time, restart, grade.
"use strict";
const $ = (id) => document.getElementById(id);
let csrf = null, watching = null, labs = [];
const wsBase = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;
const esc = (s) => { const d = document.createElement("div"); d.textContent = String(s ?? ""); return d.innerHTML; };
const fmt = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

async function api(path, body) {
  const r = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
                               body: JSON.stringify(body), credentials: "same-origin"});
  const data = await r.json().catch(() => ({error: r.statusText}));
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}

function note(text) { $("note").textContent = text; }

function render(room) {
  $("title").textContent = room.exam; $("now").textContent = room.now;
  const first = room.candidates[0];
  labs = first ? Object.keys(first.labs) : [];
  $("head").innerHTML = ["candidate", "state", ...labs, "connected", "time left", "last check", "graded", ""].map((h) => `<th>${esc(h)}</th>`).join("");
  $("rows").innerHTML = room.candidates.map((c) => {
    const terms = c.terminals.map((t) => `<button data-act="watch" data-c="${esc(c.candidate)}" data-lab="${esc(t.lab)}" data-svc="${esc(t.service)}">watch ${esc(t.service)}</button>`).join(" ");
    return `<tr data-c="${esc(c.candidate)}"><td><strong>${esc(c.candidate)}</strong>${c.error ? `<div class="msg">${esc(c.error)}</div>` : ""}</td>` +
      `<td><span class="pill ${esc(c.state)}">${esc(c.finished ? "finished" : c.state)}</span></td>` +
      labs.map((l) => `<td><span class="pill ${c.labs[l] === "running" ? "ready" : "down"}">${c.labs[l] === "running" ? "ready" : esc(c.labs[l])}</span></td>`).join("") +
      `<td>${c.connected ? "<span class='pill ready'>connected</span>" : "<span class='pill idle'>not connected</span>"}</td>` +
      `<td class="left">${fmt(c.seconds_left)}${c.extra_minutes ? ` <span class="muted small">(+${c.extra_minutes} min)</span>` : ""}</td>` +
      `<td>${c.last_check ? `${c.last_check.percent}% <span class="muted small">${esc(c.last_check.at)}</span>` : "–"}</td>` +
      `<td>${c.score === null || c.score === undefined ? "–" : `${c.score}%`}</td>` +
      `<td class="acts">${terms} <button data-act="extend" data-c="${esc(c.candidate)}">+ time</button> ` +
      `<button data-act="grade" data-c="${esc(c.candidate)}">grade now</button> ` +
      `<button data-act="restart" data-c="${esc(c.candidate)}" class="danger">restart env</button></td></tr>`;
  }).join("");
}

$("rows").onclick = async (ev) => {
  const b = ev.target.closest("button"); if (!b) return;
  const c = b.dataset.c;
  try {
    if (b.dataset.act === "watch") return watch(c, b.dataset.lab, b.dataset.svc);
    if (b.dataset.act === "extend") {
      const minutes = prompt(`Extra minutes for ${c}:`, "10"); if (!minutes) return;
      const reason = prompt("Reason (recorded as an accommodation in the report):", "") || "";
      const r = await api("/api/proctor/extend", {candidate: c, minutes: Number(minutes), reason});
      note(`${c}: deadline now ${r.deadline}`);
    } else if (b.dataset.act === "grade") {
      b.disabled = true; note(`grading ${c}…`);
      const r = await api("/api/proctor/grade", {candidate: c});
      note(`${c}: ${r.percent}% (${r.passed ? "passed" : "not passed"}), attempt ${r.attempt}`);
    } else if (b.dataset.act === "restart") {
      if (!confirm(`Restart every lab of ${c}? Their work in the containers is lost.`)) return;
      b.disabled = true; note(`restarting ${c}…`);
      await api("/api/proctor/restart", {candidate: c}); note(`${c}: environment restarted`);
    }
  } catch (e) { note(`${c}: ${e.message}`); } finally { b.disabled = false; }
};

let watcher = null;
function watch(c, lab, svc) {
  if (watcher) watcher.close();
  $("watch").hidden = false; $("watching").textContent = `${c}: ${lab} / ${svc}`;
  $("watchterm").replaceChildren();
  watcher = openTerminal($("watchterm"), `${wsBase}/ws/watch/${c}/${lab}/${svc}`, {readonly: true});
}
$("unwatch").onclick = () => { if (watcher) watcher.close(); watcher = null; $("watch").hidden = true; };

$("bcast").onsubmit = async (ev) => {
  ev.preventDefault();
  const text = $("msg").value.trim(); if (!text) return;
  try { await api("/api/proctor/broadcast", {message: text}); $("msg").value = ""; note("message sent to every candidate"); }
  catch (e) { note(e.message); }
};

fetch("/api/proctor/room", {credentials: "same-origin"}).then((r) => r.json()).then((room) => {
  if (room.error) { document.body.innerHTML = `<main class="plain"><h1>Proctors only</h1><p>${esc(room.error)}</p></main>`; return; }
  csrf = room.csrf; render(room);
  const es = new EventSource("/api/proctor/events");
  es.onmessage = (ev) => { render(JSON.parse(ev.data)); $("live").classList.add("on"); };
  es.onerror = () => $("live").classList.remove("on");
});
