// The candidate page: task sheet, one terminal tab per lab service, time left, Check / Finish (exam) or
// Check my work / hints / reset (drills). The server decides everything; this only shows it.
"use strict";
const $ = (id) => document.getElementById(id);
let me = null, left = null, current = null, closed = null;
const terms = {};  // "lab/service" -> terminal handle
const wsBase = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;

async function api(path, body) {
  const r = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": me.csrf},
                               body: JSON.stringify(body || {}), credentials: "same-origin"});
  const data = await r.json().catch(() => ({error: r.statusText}));
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}

function fmt(s) {
  if (s === null || s === undefined) return "no limit";
  s = Math.max(0, Math.floor(s));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? `${h}:${String(m).padStart(2, "0")}` : `${m}`) + `:${String(sec).padStart(2, "0")}`;
}

function showLab(lab) {
  current = lab;
  for (const b of $("labnav").children) b.classList.toggle("on", b.dataset.lab === lab.id);
  $("task").innerHTML = lab.task_html || "<p>This lab is not running.</p>";
  $("tabs").replaceChildren(...lab.services.map((svc) => {
    const b = document.createElement("button");
    b.textContent = `${lab.id} / ${svc}`; b.setAttribute("role", "tab"); b.dataset.key = `${lab.id}/${svc}`;
    b.onclick = () => showTerm(lab.id, svc);
    return b;
  }));
  renderDrillbar();
  if (lab.services.length) showTerm(lab.id, lab.services[0]);
}

function showTerm(lab, svc) {
  const key = `${lab}/${svc}`;
  for (const b of $("tabs").children) b.setAttribute("aria-selected", String(b.dataset.key === key));
  for (const [k, t] of Object.entries(terms)) t.el.hidden = k !== key;
  if (!terms[key]) {
    const el = document.createElement("div");
    el.className = "term"; el.dataset.key = key;
    $("termwrap").appendChild(el);
    const h = openTerminal(el, `${wsBase}/ws/c/${me.who}/${lab}/${svc}`,
                           {screenReader: $("sr").checked, onState: (s) => tabState(key, s)});
    terms[key] = Object.assign(h, {el});
  }
  terms[key].el.hidden = false;
  setTimeout(() => { terms[key].fit.fit(); terms[key].term.focus(); }, 0);
}

function tabState(key, state) {
  for (const b of $("tabs").children) if (b.dataset.key === key) b.dataset.state = state;
}

function renderResult(doc) {
  const box = $("result");
  box.hidden = false;
  const rows = doc.labs.map((lab) => `<h3>${esc(lab.title)} <span class="pct">${lab.percent}%</span></h3><ul>` +
    lab.checks.map((c) => `<li class="${c.status}"><span class="st">${c.status === "passed" ? "✔" : "✘"} ${c.status}</span> ` +
      `${esc(c.title)}${c.message ? `<div class="msg">${esc(c.message)}</div>` : ""}` +
      `${c.look ? `<div class="look">look at: ${esc(c.look)}</div>` : ""}</li>`).join("") + "</ul>").join("");
  box.innerHTML = `<h2>Score: <span id="score">${doc.percent}%</span> <span class="muted">(pass mark ${doc.pass_mark}%)` +
    `</span></h2>${rows}` + (me.mode === "exam" ? `<p class="muted small">Some checks are hidden until the final grading.</p>` : "");
  box.scrollIntoView({behavior: "smooth", block: "start"});
}

function esc(s) { const d = document.createElement("div"); d.textContent = String(s ?? ""); return d.innerHTML; }

async function check() {
  const btn = $("check"); btn.disabled = true; btn.textContent = "Checking…";
  try { renderResult(await api("/api/check", {lab: current && current.id})); }
  catch (e) { alert(e.message); }
  finally { btn.disabled = false; btn.textContent = me.mode === "exam" ? "Check" : "Check my work"; }
}

async function finish() {
  if (!confirm("Finish the exam now? Your work is graded as final and the terminals close.")) return;
  $("finish").disabled = true; $("finish").textContent = "Grading…";
  try { await api("/api/finish"); setClosed("You have finished the exam. You may close this page."); }
  catch (e) { alert(e.message); $("finish").disabled = false; $("finish").textContent = "Finish exam"; }
}

function setClosed(reason) {
  if (!reason || closed) return;
  closed = reason;
  $("closed").hidden = false; $("closed").textContent = reason.charAt(0).toUpperCase() + reason.slice(1) + ".";
  $("check").disabled = true; $("finish").disabled = true; $("restart").disabled = true;
}

function renderDrillbar() {
  const bar = $("drillbar");
  if (me.mode !== "drill") return;
  bar.hidden = false;
  const costLabel = (n) => (n ? `−${n} point${n === 1 ? "" : "s"}` : "free");
  const running = me.labs.map((l) => l.id);
  const pick = me.catalog.map((l) => `<option value="${esc(l.id)}">${esc(l.title)} (${esc(l.id)})</option>`).join("");
  bar.innerHTML = `<label>Practise a lab: <select id="pick">${pick}</select></label> <button id="start">Start</button>` +
    (current ? ` <button id="hint">Hint (${costLabel((current.hints[(current.hintsUsed || 0)] || {cost: 0}).cost)})</button>` +
      ` <button id="reset">Reset</button> <button id="stop">Stop lab</button>` : "") +
    `<span class="muted small"> ${running.length}/${me.quota} labs running</span><div id="hints"></div>`;
  $("start").onclick = () => busy($("start"), api("/api/drill/start", {lab: $("pick").value}).then(load));
  if (!current) return;
  $("hint").onclick = () => busy($("hint"), api("/api/drill/hint", {lab: current.id}).then((h) => {
    current.hintsUsed = h.index;
    $("hints").insertAdjacentHTML("beforeend", `<p class="hint">Hint ${h.index}/${h.of} (−${h.cost}): ${esc(h.text)}</p>`);
  }));
  $("reset").onclick = () => confirm("Put the lab back into its broken state?") &&
    busy($("reset"), api("/api/drill/reset", {lab: current.id}).then(() => location.reload()));
  $("stop").onclick = () => confirm("Stop this lab? Its containers are removed.") &&
    busy($("stop"), api("/api/drill/stop", {lab: current.id}).then(() => location.reload()));
}

function busy(btn, p) { btn.disabled = true; return p.catch((e) => alert(e.message)).finally(() => { btn.disabled = false; }); }

async function load() {
  const r = await fetch("/api/me", {credentials: "same-origin"});
  if (!r.ok) { document.body.innerHTML = "<main class='plain'><h1>Signed out</h1><p>Open your link again.</p></main>"; return; }
  me = await r.json();
  document.title = `${me.title}: ${me.who}`;
  $("title").textContent = me.title; $("who").textContent = me.mode === "exam" ? `candidate ${me.who}` : `learner ${me.who}`;
  $("finish").hidden = me.mode !== "exam";
  $("check").textContent = me.mode === "exam" ? "Check" : "Check my work";
  $("labnav").replaceChildren(...me.labs.map((lab) => {
    const b = document.createElement("button"); b.textContent = lab.title; b.dataset.lab = lab.id;
    b.onclick = () => showLab(lab); return b;
  }));
  left = me.seconds_left; broadcasts(me.broadcasts); setClosed(me.closed);
  if (me.labs.length) showLab(me.labs[0]); else { current = null; renderDrillbar(); $("task").innerHTML = "<p>Pick a lab to start.</p>"; }
}

function broadcasts(list) {
  if (!list || !list.length) return;
  const last = list[list.length - 1];
  $("broadcast").hidden = false; $("broadcast").textContent = `Message from the proctor (${last.at}): ${last.text}`;
}

$("check").onclick = check;
$("restart").onclick = () => current && confirm(`Restart the services of ${current.title}? Open shells end; press Enter in a tab for a new one.`) &&
  busy($("restart"), api("/api/restart-services", {lab: current.id}).then(() => { $("restart").textContent = "Restarted ✔"; setTimeout(() => { $("restart").textContent = "Restart services"; }, 4000); }));
$("finish").onclick = finish;
$("sr").checked = localStorage.getItem("altlab-sr") === "1";
$("sr").onchange = () => {
  localStorage.setItem("altlab-sr", $("sr").checked ? "1" : "0");
  for (const t of Object.values(terms)) t.term.options.screenReaderMode = $("sr").checked;
};
setInterval(() => { if (left !== null) { left = Math.max(0, left - 1); $("left").textContent = fmt(left); } }, 1000);
load().then(() => {
  $("left").textContent = fmt(left);
  const es = new EventSource("/api/events");
  es.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    if (m.seconds_left !== null && left !== null && m.seconds_left > left + 5) fetch("/api/me");  // extended: new cookie
    left = m.seconds_left; $("left").textContent = fmt(left);
    broadcasts(m.broadcasts); setClosed(m.closed);
  };
});
