// The dashboard's script: polls the gateway's own JSON routes and redraws. Plain browser JavaScript
// (no build step); every value from the gateway is written as text, never as HTML.
"use strict";

const POLL_MS = 2000;
const CASSETTE_POLL_MS = 10000;
const JOURNAL_RETRY_MS = 60000;

const state = {
  budget: undefined,
  history: undefined,
  chartTeam: undefined,
  chart: undefined,
  journalAt: 0,
  journalMissing: false,
  cassettesAt: 0,
};

const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (key === "className") node.className = value;
    else if (key === "onClick") node.addEventListener("click", value);
    // Through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
    else if (key === "style") Object.assign(node.style, value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child ?? "");
  return node;
}

const usd = (n, digits = 4) => (typeof n === "number" ? `$${n.toFixed(digits)}` : "–");
const int = (n) => (typeof n === "number" ? n.toLocaleString("en-US") : "–");
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "–");

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  if (!response.ok) {
    const error = new Error(`${path}: HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

async function post(path, method = "POST") {
  const response = await fetch(path, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "POST" ? "{}" : undefined,
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
  }
}

function fillRows(tbody, rows, columns, emptyText) {
  tbody.replaceChildren(
    ...(rows.length === 0
      ? [el("tr", {}, el("td", { className: "empty", colspan: String(columns) }, emptyText))]
      : rows),
  );
}

// ---- budget cards ----

function gauge(quota, thresholds) {
  const pct = Math.max(0, Math.min(100, quota.budget_usage_percent));
  const level = pct >= 80 ? "bad" : pct >= 50 ? "warn" : "";
  const fill = el("div", { className: `fill ${level}`, style: { width: `${pct}%` } });
  const ticks = thresholds.map((t) =>
    el("div", { className: "tick", style: { left: `${t}%` }, title: `${t}%` }),
  );
  return el("div", { className: "gauge", role: "meter", "aria-valuenow": pct.toFixed(1) }, fill, ...ticks);
}

function teamCard(team, thresholds) {
  const q = team.remaining_quota;
  const figure = (label, value, id) =>
    el("div", {}, el("span", {}, label), el("b", { "data-field": id }, value));
  return el(
    "div",
    { className: "team", "data-team": team.team_id },
    el(
      "h3",
      {},
      el("span", {}, team.team_id),
      el("span", { className: "note" }, `${q.budget_usage_percent.toFixed(1)}% used`),
    ),
    gauge(q, thresholds),
    el(
      "div",
      { className: "figures" },
      figure("limit", usd(q.budget_limit, 2), "limit"),
      figure("spent", usd(q.total_cost), "spent"),
      figure("remaining", usd(q.remaining_budget), "remaining"),
    ),
    el(
      "div",
      { className: "split" },
      el("span", { className: "llm" }, `LLM ${usd(q.llm_cost)}`),
      " · ",
      el("span", { className: "gpu" }, `GPU ${usd(q.gpu_cost)}`),
      ` · ${int(q.requests_today)} requests, ${int(q.tokens_today)} tokens today`,
    ),
  );
}

function renderBudget(budget) {
  $("mode").textContent = `mode: ${budget.mode}`;
  $("source").textContent =
    budget.source === "proxy"
      ? "figures: what the Bedrock proxy last reported with its answers (it has no quota endpoint)"
      : "figures: the simulator's ledger";
  $("updated").textContent = `updated ${time(budget.generated_at)}`;
  const teams = $("teams");
  if (budget.teams.length === 0) {
    teams.replaceChildren(
      el(
        "p",
        { className: "note" },
        budget.source === "proxy"
          ? "No answer from the proxy yet: make a call and its figures appear here."
          : "No teams.",
      ),
    );
  } else {
    teams.replaceChildren(
      ...budget.teams.map((t) => {
        const card = teamCard(t, budget.thresholds);
        if (t.source === "proxy")
          card.append(el("div", { className: "note" }, `proxy's figure at ${time(t.reported_at)}`));
        return card;
      }),
    );
  }
  renderAlerts(budget.alerts);
  renderModels(budget.models);
  renderGpu(budget);
  renderTeamChoice(budget.teams.map((t) => t.team_id));
}

function renderAlerts(alerts) {
  const box = $("alerts");
  box.hidden = alerts.length === 0;
  box.replaceChildren(
    el("h2", {}, "Budget alerts"),
    ...alerts
      .slice(-8)
      .reverse()
      .map((a) =>
        el(
          "p",
          { className: a.threshold_percent >= 80 ? "bad-text" : "" },
          `${time(a.at)} · team ${a.team_id} passed ${a.threshold_percent}% of its budget (${a.budget_usage_percent.toFixed(1)}%, ${usd(a.remaining_budget)} left)`,
        ),
      ),
  );
}

function renderModels(models) {
  const rows = models.map((m) =>
    el(
      "tr",
      {},
      el("td", { className: "wrap" }, m.model),
      el("td", { className: "num" }, int(m.requests)),
      el("td", { className: "num" }, int(m.input_tokens)),
      el("td", { className: "num" }, int(m.output_tokens)),
      el("td", { className: "num" }, usd(m.cost_usd, 6)),
    ),
  );
  fillRows($("models").tBodies[0], rows, 5, "No successful call yet.");
}

function gpuAction(team, name, action) {
  const path = `/admin/gpu/${encodeURIComponent(team)}/${encodeURIComponent(name)}`;
  return () =>
    post(action === "delete" ? path : `${path}/${action}`, action === "delete" ? "DELETE" : "POST")
      .catch((error) => {
        $("updated").textContent = `could not ${action} ${name}: ${error.message}`;
      })
      .then(refresh);
}

function renderGpu(budget) {
  const rows = [];
  for (const team of budget.teams) {
    for (const i of team.instances) {
      const running = i.status === "InService" || i.status === "Pending";
      const buttons = el("td", {});
      if (running)
        buttons.append(
          el("button", { "data-action": "stop", onClick: gpuAction(team.team_id, i.name, "stop") }, "stop"),
        );
      else if (i.status === "Stopped")
        buttons.append(
          el(
            "button",
            { "data-action": "start", onClick: gpuAction(team.team_id, i.name, "start") },
            "start",
          ),
        );
      if (i.status !== "Deleting")
        buttons.append(
          el(
            "button",
            { "data-action": "delete", onClick: gpuAction(team.team_id, i.name, "delete") },
            "delete",
          ),
        );
      rows.push(
        el(
          "tr",
          { "data-instance": i.name },
          el("td", {}, team.team_id),
          el("td", {}, i.name),
          el("td", {}, `${i.instance_type} ($${i.usd_per_hour}/h)`),
          el("td", { className: `status-${i.status}`, "data-field": "status" }, i.status),
          el("td", { className: "num" }, usd(i.cost_usd, 6)),
          buttons,
        ),
      );
    }
  }
  const empty = budget.gpu
    ? "No notebook. Create one with POST /gpu/instances or bpg gpu create."
    : "GPU notebooks are simulated in mock mode only.";
  fillRows($("gpu").tBodies[0], rows, 6, empty);
}

// ---- chart ----

function renderTeamChoice(teamIds) {
  const select = $("chart-team");
  if (state.chartTeam === undefined || !teamIds.includes(state.chartTeam)) state.chartTeam = teamIds[0];
  const current = [...select.options].map((o) => o.value).join("\n");
  if (current !== teamIds.join("\n"))
    select.replaceChildren(...teamIds.map((id) => el("option", { value: id }, id)));
  if (state.chartTeam !== undefined) select.value = state.chartTeam;
}

function chartData() {
  const series = state.history?.data.find((s) => s.team_id === state.chartTeam);
  const team = state.budget?.teams.find((t) => t.team_id === state.chartTeam);
  const points = series ? series.points.slice() : [];
  // The line runs up to now: the current figure closes the series.
  if (team) {
    const now = Date.parse(team.reported_at);
    const last = points.at(-1);
    if (!last || now > last[0])
      points.push([now, team.remaining_quota.llm_cost, team.remaining_quota.gpu_cost]);
  }
  return [
    points.map((p) => p[0] / 1000),
    points.map((p) => p[1]),
    points.map((p) => p[2]),
    points.map((p) => p[1] + p[2]),
  ];
}

function renderChart() {
  const data = chartData();
  const box = $("chart");
  const width = Math.max(320, box.clientWidth - 8);
  if (state.chart === undefined || state.chart.team !== state.chartTeam) {
    state.chart?.plot.destroy();
    // Spend is cumulative and moves in steps (a call, a notebook stopped): draw it as steps.
    const stepped = uPlot.paths.stepped({ align: 1 });
    const money = (_u, values) => values.map((v) => (v == null ? "" : `$${v.toFixed(v < 1 ? 4 : 2)}`));
    const plot = new uPlot(
      {
        width,
        height: 240,
        series: [
          {},
          {
            label: "LLM",
            stroke: "#3b6fd8",
            width: 2,
            paths: stepped,
            value: (_u, v) => (v == null ? "–" : `$${v.toFixed(6)}`),
          },
          {
            label: "GPU",
            stroke: "#d8703b",
            width: 2,
            paths: stepped,
            value: (_u, v) => (v == null ? "–" : `$${v.toFixed(6)}`),
          },
          {
            label: "total",
            stroke: "#1d2433",
            width: 1,
            dash: [4, 4],
            paths: stepped,
            value: (_u, v) => (v == null ? "–" : `$${v.toFixed(6)}`),
          },
        ],
        axes: [{}, { values: money, size: 70 }],
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 0.01] } },
      },
      data,
      box,
    );
    state.chart = { plot, team: state.chartTeam };
  } else {
    state.chart.plot.setData(data);
    if (Math.abs(state.chart.plot.width - width) > 4) state.chart.plot.setSize({ width, height: 240 });
  }
  const n = data[0].length;
  $("chart-note").textContent =
    n < 2
      ? "Spend appears here as calls are made and notebooks run."
      : `${n} points (cumulative USD; at most ${state.history?.max_points ?? "?"} kept per team)`;
  box.dataset.points = String(n);
}

// ---- requests and cassettes ----

function journalRows(entries) {
  return entries.slice(0, 20).map((e) => {
    const cost = e.cost_usd ?? e.cost;
    const cassette =
      e.cassette == null
        ? ""
        : typeof e.cassette === "string"
          ? e.cassette
          : [e.cassette.name, e.cassette.outcome ?? e.cassette.hit].filter((x) => x != null).join(" · ");
    return el(
      "tr",
      {},
      el("td", {}, time(e.at ?? e.time ?? e.received_at)),
      el("td", {}, String(e.face ?? "")),
      el("td", { className: "wrap" }, String(e.model ?? "")),
      el("td", { className: "num" }, String(e.status ?? "")),
      el("td", { className: "num" }, usd(cost, 6)),
      el("td", {}, String(cassette)),
    );
  });
}

async function refreshJournal() {
  const now = Date.now();
  if (state.journalMissing && now - state.journalAt < JOURNAL_RETRY_MS) return;
  state.journalAt = now;
  const tbody = $("requests").tBodies[0];
  try {
    const body = await getJson("/admin/requests");
    state.journalMissing = false;
    const entries = Array.isArray(body) ? body : Array.isArray(body?.data) ? body.data : [];
    fillRows(tbody, journalRows(entries), 6, "No request yet.");
  } catch (error) {
    state.journalMissing = error.status === 404;
    fillRows(
      tbody,
      [],
      6,
      state.journalMissing ? "The request journal is not available on this gateway." : error.message,
    );
  }
}

async function refreshCassettes() {
  const now = Date.now();
  if (now - state.cassettesAt < CASSETTE_POLL_MS) return;
  state.cassettesAt = now;
  const view = await getJson("/admin/cassettes");
  $("cassette-dir").textContent = `in ${view.dir}${view.truncated ? " (first 200)" : ""}`;
  const rows = view.data.map((c) =>
    el(
      "tr",
      {},
      el("td", { className: "wrap" }, c.name),
      el("td", { className: "num" }, int(c.entries)),
      el("td", { className: "num" }, int(c.errors)),
      el("td", { className: "num" }, c.bytes < 1024 ? `${c.bytes} B` : `${(c.bytes / 1024).toFixed(1)} kB`),
      el("td", { className: "num" }, c.live_cost_usd === null ? "unpriced" : usd(c.live_cost_usd, 6)),
    ),
  );
  fillRows($("cassettes").tBodies[0], rows, 5, "No cassette recorded.");
}

// ---- the loop ----

let refreshing;
async function refresh() {
  refreshing ??= (async () => {
    try {
      const [budget, history] = await Promise.all([
        getJson("/admin/budget"),
        getJson("/admin/budget/history"),
      ]);
      state.budget = budget;
      state.history = history;
      renderBudget(budget);
      renderChart();
      await Promise.all([refreshJournal(), refreshCassettes().catch(() => {})]);
    } catch (error) {
      $("updated").textContent = `cannot reach the gateway: ${error.message}`;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

$("chart-team").addEventListener("change", (event) => {
  state.chartTeam = event.target.value;
  renderChart();
});
refresh();
setInterval(refresh, POLL_MS);
