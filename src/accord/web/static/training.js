// accord training pages: render the brief from the API, refresh on the server's event stream.
// Everything from the server is put in with textContent (never innerHTML).
(function () {
  "use strict";
  const root = document.getElementById("training");
  if (!root) return;
  const token = location.pathname.split("/")[2];
  const session = root.dataset.session;
  const role = root.dataset.role;
  const api = "/api/train/" + token;
  let state = null;

  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function clear(node) { while (node && node.firstChild) node.removeChild(node.firstChild); }
  function fmt(x) { return x === null || x === undefined ? "–" : (typeof x === "number" ? String(Math.round(x * 1000) / 1000) : String(x)); }
  function problems(list) {
    const p = document.getElementById("problems");
    p.hidden = !list || !list.length;
    p.textContent = (list || []).join("\n");
  }
  async function post(body) {
    body.session = session;
    const r = await fetch(api + "/move", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const data = await r.json().catch(() => ({ problems: ["the server's answer was not JSON"] }));
    if (!r.ok) { problems(data.problems || ["refused (" + r.status + ")"]); return false; }
    problems([]);
    await load();
    return true;
  }
  function dl(obj) {
    const d = el("dl");
    for (const [k, v] of Object.entries(obj)) {
      if (k === "after_steps") continue;
      d.appendChild(el("dt", k.replace(/_/g, " ")));
      if (v && typeof v === "object") {
        const dd = el("dd");
        for (const [k2, v2] of Object.entries(v)) {
          const val = v2 && typeof v2 === "object" ? (Array.isArray(v2) ? v2.map(fmt).join(" – ") : Object.entries(v2).map(([a, b]) => a + " " + fmt(b)).join(", ")) : fmt(v2);
          dd.appendChild(el("div", k2 + ": " + val));
        }
        d.appendChild(dd);
      } else d.appendChild(el("dd", fmt(v)));
    }
    return d;
  }
  function renderConfidential(node, c) {
    clear(node);
    node.appendChild(dl(c));
    if (c.after_steps && c.after_steps.length) {
      node.appendChild(el("h3", "Your answers and their ratification"));
      const ul = el("ul");
      for (const a of c.after_steps) ul.appendChild(el("li", "step " + a.step + ", " + a.text + ": " + (a.signed ? "signed" : "refused") + (a.signed ? (a.ratified ? ", ratified" : ", NOT ratified at home") : "") + (a.p_ratify !== null ? "; P(ratified) was " + fmt(a.p_ratify) : "") + (a.reason ? "; your reason: " + a.reason : "")));
      node.appendChild(ul);
    }
  }
  function render() {
    const pub = state.public;
    document.getElementById("clock").textContent = "year " + pub.year + " (step " + pub.step + ")" + (pub.paused ? " · PAUSED" : "") + (pub.finished ? " · ENDED" : "");
    const issues = document.getElementById("issues");
    while (issues.rows.length > 1) issues.deleteRow(1);
    for (const i of pub.issues) {
      const tr = issues.insertRow();
      for (const v of [i.label, i.low, i.high, fmt(i.status_quo)]) tr.insertCell().textContent = v;
    }
    document.getElementById("in-force").textContent = pub.in_force.join(", ") || "none";
    const table = document.getElementById("on-table");
    clear(table);
    if (!pub.on_table.length) table.appendChild(el("p", "nothing tabled yet", { class: "muted" }));
    for (const t of pub.on_table) {
      const div = el("div", null, { class: "text", "data-text": t.id });
      div.appendChild(el("b", t.label + " (" + t.agreement + ")"));
      div.appendChild(el("div", Object.entries(t.terms).map(([k, v]) => k + " " + fmt(v)).join(", ") || "no terms"));
      div.appendChild(el("div", "answers so far: " + (Object.entries(t.answers).map(([a, v]) => a + (v.signs ? " signs" : " refuses")).join(", ") || "none"), { class: "muted" }));
      const me = state.you.actor;
      if (role === "seat" && state.you.seat_role === "party" && t.seats_to_answer.includes(me) && !(me in t.answers)) {
        const reason = el("input", null, { maxlength: "500", placeholder: "your reason", name: "reason-" + t.id });
        const yes = el("button", "Sign", { type: "button", class: "sign" });
        const no = el("button", "Refuse", { type: "button", class: "refuse" });
        yes.addEventListener("click", () => post({ type: "answer", text: t.id, signs: true, reason: reason.value }));
        no.addEventListener("click", () => post({ type: "answer", text: t.id, signs: false, reason: reason.value }));
        div.append(reason, yes, no);
      }
      table.appendChild(div);
    }
    const tl = document.getElementById("timeline");
    clear(tl);
    for (const e of pub.timeline) tl.appendChild(el("li", e.text, { "data-kind": e.kind }));
    const conf = document.getElementById("confidential");
    if (conf && state.confidential) renderConfidential(conf, state.confidential);
    const seats = document.getElementById("seats");
    if (seats && state.seats) {
      clear(seats);
      for (const [a, c] of Object.entries(state.seats)) { seats.appendChild(el("h4", a)); const d = el("div"); renderConfidential(d, c); seats.appendChild(d); }
      const moves = document.getElementById("moves");
      clear(moves);
      for (const m of state.moves) moves.appendChild(el("li", m.type + " by " + m.by + (m.text ? " on " + m.text : "") + (m.signs !== undefined ? (m.signs ? ": signs" : ": refuses") : "") + (m.reason ? " (" + m.reason + ")" : "")));
    }
  }
  async function load() {
    const r = await fetch(api + "/brief");
    if (!r.ok) { problems(["this seat's brief could not be loaded (" + r.status + ")"]); return; }
    state = await r.json();
    render();
    root.dataset.version = String(state.version);
  }
  const tableForm = document.getElementById("table-form");
  if (tableForm) {
    for (const range of tableForm.querySelectorAll("input[type=range]")) {
      range.addEventListener("input", () => { tableForm.querySelector("output[data-for='" + range.dataset.issue + "']").textContent = range.value; });
    }
    tableForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const terms = {};
      for (const box of tableForm.querySelectorAll("input[type=checkbox]")) {
        if (box.checked) terms[box.dataset.issue] = Number(tableForm.querySelector("input[name='term-" + box.dataset.issue + "']").value);
      }
      post({ type: "table", agreement: tableForm.agreement.value, label: tableForm.label.value || null, terms: terms });
    });
  }
  for (const what of ["advance", "pause", "resume", "end"]) {
    const b = document.getElementById(what);
    if (b) b.addEventListener("click", () => post({ type: what }));
  }
  const inj = document.getElementById("inject-form");
  if (inj) inj.addEventListener("submit", (ev) => {
    ev.preventDefault();
    post({ type: "inject", what: inj.what.value, date: inj.date.value, actors: [inj.actors.value], label: inj.label.value || null });
  });
  const dlink = document.getElementById("debrief-link");
  if (dlink) { dlink.href = "/t/" + token + "/debrief.html"; document.getElementById("debrief-json").href = "/t/" + token + "/debrief.json"; }
  const live = document.getElementById("live");
  const source = new EventSource(api + "/events");
  source.addEventListener("version", (e) => { live.textContent = "live"; if (!state || String(state.version) !== e.data) load(); });
  source.onerror = () => { live.textContent = "reconnecting…"; };
  load();
})();
