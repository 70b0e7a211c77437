// The leaders' dashboard: the API's cohort numbers as tiles and a monthly table, and
// the charts web/figures.py builds from the same numbers, drawn with the bundled plotly.js.

import { api, describe, signOut, today } from "./api.js";

const $ = (id) => document.getElementById(id);
const form = $("dashboard-filters");

export const TILES = [
  ["children", "Children", "count"],
  ["has_trusted_adult_rate", "Have a trusted adult", "rate"],
  ["single_point_of_failure_rate", "Only one trusted adult", "rate"],
  ["median_network_strength", "Median network strength", "score"],
  ["median_continuity", "Median continuity", "score"],
  ["high_worker_churn_rate", "3+ social workers in the year", "rate"],
  ["no_emotional_support_rate", "No emotional support", "rate"],
  ["median_paid_share", "Median paid share", "rate"],
];

export function format(value, kind) {
  if (value === null || value === undefined) return "—";
  if (kind === "rate") return `${Math.round(value * 1000) / 10}%`;
  return String(value);
}

function query() {
  const data = new FormData(form);
  const params = new URLSearchParams();
  for (const [k, v] of data) if (v) params.set(k, v);
  return params.toString();
}

function tiles(cohort) {
  $("tiles").replaceChildren(...TILES.map(([key, label, kind]) => {
    const div = document.createElement("div");
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = format(cohort[key], kind);
    dd.dataset.measure = key;
    dd.dataset.value = JSON.stringify(cohort[key] ?? null);
    div.append(dt, dd);
    return div;
  }));
}

function trendTable(trend) {
  const head = document.createElement("thead");
  const hr = document.createElement("tr");
  for (const label of ["Month end", ...TILES.map(([, l]) => l)]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = label;
    hr.append(th);
  }
  head.append(hr);
  const body = document.createElement("tbody");
  for (const row of [...trend].reverse()) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = row.at;
    tr.append(th);
    for (const [key, , kind] of TILES) {
      const td = document.createElement("td");
      td.textContent = format(row[key], kind);
      tr.append(td);
    }
    body.append(tr);
  }
  $("trend-table").replaceChildren(head, body);
}

async function show() {
  const q = query();
  $("csv").href = `/api/dashboard.csv?${q}`;
  history.replaceState(null, "", `?${q}`);
  $("status").textContent = "Loading…";
  try {
    const [{ data }, figures] = await Promise.all([api(`/api/dashboard?${q}`), api(`/dashboard/figures?${q}`)]);
    tiles(data.measures);
    trendTable(data.trend || []);
    // Too few children for a leader: the count only, no charts (the API says why).
    const charts = $("fig-trusted").closest("section");
    charts.hidden = Boolean(data.suppressed);
    const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] };
    for (const [name, fig] of Object.entries(figures.data.figures || {})) {
      const target = $(`fig-${name}`);
      if (target) await window.Plotly.react(target, fig.data, fig.layout, config);
    }
    const counted = `${data.measures.children} children as at ${data.measures.at}.`;
    $("status").textContent = data.suppressed
      ? `${counted} Their measures and charts are not shown: ${data.reason}.`
      : counted;
  } catch (e) {
    if (e.status === 401) { location.assign("/?next=/dashboard"); return; }
    $("status").textContent = `Could not load the dashboard: ${describe(e)}`;
  }
}

async function teams() {
  try {
    const { data } = await api("/dashboard/teams");
    const select = form.team;
    for (const team of data.teams || data) select.append(new Option(team, team));
  } catch { /* the team list is a convenience; the filter still works by URL */ }
}

function start() {
  const params = new URLSearchParams(location.search);
  form.at.value = params.get("at") || today();
  for (const k of ["status", "months"]) if (params.get(k)) form[k].value = params.get(k);
  teams().then(() => { if (params.get("team")) form.team.value = params.get("team"); show(); });
  form.addEventListener("submit", (e) => { e.preventDefault(); show(); });
  $("sign-out").addEventListener("click", signOut);
}

start();
