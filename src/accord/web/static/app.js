// accord dashboard: cell edits, runs with polled progress, results. No external code.
"use strict";
(function () {
  const app = document.getElementById("app");
  if (!app) return;
  const wid = app.dataset.workspace;
  const $ = (id) => document.getElementById(id);

  async function post(url, body) {
    const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) });
    let data = null;
    try { data = await res.json(); } catch (e) { data = { ok: false, problems: ["the server answered " + res.status] }; }
    if (!res.ok && data && !data.problems) {
      const d = data.detail;
      data.problems = Array.isArray(d) ? d.map((x) => (x.loc || []).join(".") + ": " + x.msg) : [String(d || res.status)];
    }
    return { status: res.status, data: data };
  }

  function showProblems(el, problems) {
    if (problems && problems.length) { el.textContent = problems.join("\n"); el.hidden = false; }
    else { el.textContent = ""; el.hidden = true; }
  }

  // -- edits ---------------------------------------------------------------------------
  async function submitEdit(input) {
    if (input.value === input.dataset.saved) {
      // back to the value the server holds: nothing to send, the refusal no longer applies
      if (input.classList.contains("refused")) {
        input.classList.remove("refused");
        if (!document.querySelector("#actors input.refused")) showProblems($("problems"), []);
        $("edit-status").textContent = "Back to the accepted value.";
      }
      return;
    }
    const body = { actor: input.dataset.actor, field: input.dataset.field, issue: input.dataset.issue || null, value: input.value };
    const { data } = await post(`/api/w/${wid}/edit`, body);
    input.classList.remove("saved", "refused");
    if (data.ok) {
      input.dataset.saved = input.value;
      input.classList.add("saved");
      // an edited number is fixed: it is no longer drawn in sweeps
      const mark = document.querySelector(`.uncertain[data-for="${input.name}"]`);
      if (mark) mark.remove();
      $("edit-status").textContent = `${data.edits} edit(s) applied; the next run uses them.`;
      showProblems($("problems"), []);
    } else {
      input.classList.add("refused");
      $("edit-status").textContent = "Edit refused: the scenario keeps its previous value.";
      showProblems($("problems"), data.problems);
    }
  }
  document.querySelectorAll("#actors input.num").forEach((input) => {
    input.dataset.saved = input.value;
    input.addEventListener("change", () => submitEdit(input));
    input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); submitEdit(input); } });
  });
  $("reset").addEventListener("click", async () => {
    await post(`/api/w/${wid}/reset`);
    window.location.reload();
  });

  // -- runs ----------------------------------------------------------------------------
  function chosenFormats() {
    return Array.from(document.querySelectorAll("#formats input[name=format]:checked")).map((x) => x.value);
  }
  const runButtons = [$("run-replay"), $("run-sweep")];
  let currentJob = null;
  $("cancel").addEventListener("click", async () => {
    if (currentJob) await post(`/api/jobs/${currentJob}/cancel`);
  });

  async function run(kind) {
    // an edit typed but not yet sent (no blur) is sent first
    const pending = Array.from(document.querySelectorAll("#actors input.num")).filter((i) => i.value !== i.dataset.saved);
    for (const input of pending) await submitEdit(input);
    const body = { kind: kind, formats: chosenFormats(), draws: parseInt($("draws").value, 10), seed: parseInt($("seed").value, 10) };
    if (Number.isNaN(body.draws)) body.draws = 200;
    if (Number.isNaN(body.seed)) body.seed = 0;
    if ($("history").value) body.history = $("history").value;
    const { data } = await post(`/api/w/${wid}/run`, body);
    showProblems($("run-problems"), data.ok ? [] : data.problems);
    if (!data.ok) return;
    runButtons.forEach((b) => (b.disabled = true));
    currentJob = data.job.id;
    $("cancel").disabled = false;
    let state = "failed";
    try {
      state = await poll(data.job.id);
    } finally {
      currentJob = null;
      $("cancel").disabled = true;
      runButtons.forEach((b) => (b.disabled = false));
    }
    // said last, once the buttons are usable again
    $("run-status").textContent = `${kind}: ${state}`;
  }

  // Polls until the job ends. A 404 means the server no longer knows the job (it restarted, or
  // forgot the job long after it ended): polling stops and the page says so instead of spinning.
  async function poll(jobId) {
    for (;;) {
      let res;
      try {
        res = await fetch(`/api/jobs/${jobId}`);
      } catch (e) {
        showProblems($("run-problems"), ["the dashboard cannot be reached (has the server stopped?); reload the page to try again"]);
        return "lost";
      }
      if (res.status === 404) {
        showProblems($("run-problems"), ["the server no longer knows this run (it may have restarted); its results are lost: reload the page and run again"]);
        return "lost";
      }
      if (!res.ok) {
        showProblems($("run-problems"), [`the server answered ${res.status} while this run was followed; reload the page to see where it stands`]);
        return "lost";
      }
      const job = await res.json();
      $("progress").max = job.total;
      $("progress").value = job.done;
      $("run-status").textContent = job.state === "done" ? `${job.kind}: drawing the charts…` : `${job.kind}: ${job.message}`;
      if (job.state === "done") { await loadResults(); return "done"; }
      if (job.state === "failed" || job.state === "cancelled") {
        showProblems($("run-problems"), [job.error || job.state]);
        return job.state;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  $("run-replay").addEventListener("click", () => run("replay"));
  $("run-sweep").addEventListener("click", () => run("sweep"));

  // -- results -------------------------------------------------------------------------
  async function loadResults() {
    const res = await fetch(`/api/w/${wid}/results`);
    if (!res.ok) {
      const why = res.status === 404 ? "the server no longer knows this workspace (it may have restarted): open the case again from the start page"
        : `the server answered ${res.status} for the results`;
      showProblems($("run-problems"), [why]);
      return;
    }
    const r = await res.json();
    const charts = $("charts");
    charts.replaceChildren();
    for (const [key, fig] of Object.entries(r.figures)) {
      const f = document.createElement("figure");
      f.id = "chart-" + key;
      f.className = "chart";
      f.innerHTML = fig.svg; // SVG drawn by the server; scenario text in it is escaped
      const cap = document.createElement("figcaption");
      cap.textContent = fig.caption;
      f.appendChild(cap);
      charts.appendChild(f);
    }
    $("no-results").hidden = Object.keys(r.figures).length > 0;
    const summary = $("summary");
    summary.replaceChildren();
    if (r.summary) {
      const p = document.createElement("p");
      p.id = "replay-summary";
      const s = r.summary;
      p.textContent = s.agreement ? `Replay: agreement${s.year != null ? " in " + Number(s.year).toFixed(2) : ""}${s.proposal ? " on " + s.proposal : ""}.`
        : "Replay: no agreement.";
      summary.appendChild(p);
    }
    const ft = $("format-table");
    const fbody = ft.querySelector("tbody");
    fbody.replaceChildren();
    const num = (x, d) => (x == null || Number.isNaN(x) ? "–" : Number(x).toFixed(d));
    for (const f of r.formats) {
      const tr = document.createElement("tr");
      const d = f.d_agreement;
      for (const v of [f.format, String(f.draws), num(f.p_agreement, 3), `${num(f.p_agreement_ci[0], 3)} – ${num(f.p_agreement_ci[1], 3)}`,
        num(f.p_war, 3), `${num(f.p_war_ci[0], 3)} – ${num(f.p_war_ci[1], 3)}`,
        d ? `${num(d[0], 3)} [${num(d[1], 3)}, ${num(d[2], 3)}]` : "–", num(f.mean_vetoes, 2)]) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.appendChild(td);
      }
      fbody.appendChild(tr);
    }
    ft.hidden = r.formats.length === 0;
    $("format-caption").textContent = r.comparison
      ? `${r.comparison.runs} draws per format, seed ${r.comparison.seed}, history: ${r.comparison.history}; shares by ${r.formats[0].year}`
      : "";
    const body = document.querySelector("#event-log tbody");
    body.replaceChildren();
    for (const e of r.events) {
      const tr = document.createElement("tr");
      for (const v of [e.date, e.kind, e.by, e.text]) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    app.dataset.resultsVersion = String(r.version);
  }
  loadResults();
})();
