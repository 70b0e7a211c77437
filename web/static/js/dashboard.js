// The leaders' dashboard: the API's cohort figures as tiles (each with its meaning, its n
// and its dates) and a monthly table, and the charts web/figures.py builds from the same
// answer, drawn with the bundled plotly.js.

import { api, describe, signOut, today } from "./api.js";
import { showPlans } from "./dashboard-plans.js";

const $ = (id) => document.getElementById(id);
const form = $("dashboard-filters");

// [figure, label, kind, one-line meaning, over whom, period ("on" the date or the "window")]
export const TILES = [
  ["has_trusted_adult_rate", "Have a trusted adult", "rate",
    "Of the children asked, the share who named at least one adult they trust.", "answered the trust question", "on"],
  ["trust_answered_rate", "Asked about trust", "rate",
    "Share of children with an answer to \"Is this someone you trust?\" on record.", "children", "on"],
  ["trust_answered_in_window_rate", "Asked about trust this year", "rate",
    "Share of children whose latest trust answer was given in the year to this date.", "children", "window"],
  ["single_point_of_failure_rate", "Only one trusted adult", "rate",
    "Of the children asked, the share with exactly one trusted adult: one loss from none.", "answered the trust question", "on"],
  ["median_network_strength", "Median network strength", "score",
    "The middle child's strength of their five strongest relationships (0-100).", "have a rated network", "on"],
  ["median_continuity", "Median continuity", "score",
    "How much of a year ago's relationship strength is still there, for the middle child (0-100).", "had a rated network a year ago", "window"],
  ["high_worker_churn_rate", "3+ social workers in the year", "rate",
    "Share of children who had three or more social workers in the year.", "children", "window"],
  ["no_emotional_support_rate", "No emotional support", "rate",
    "Of the children asked about support, the share with nobody who often helps with feelings.", "answered about support", "on"],
  ["median_paid_share", "Median paid share", "rate",
    "The share of the middle child's network who are paid to be there.", "have a network", "on"],
];

export function format(value, kind) {
  if (value === null || value === undefined) return "—";
  if (kind === "rate") return `${Math.round(value * 1000) / 10}%`;
  return String(value);
}

const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const day = (iso) => DATE.format(new Date(`${iso}T00:00:00Z`));
// The window (t0, t] starts the day after t0.
const dayAfter = (iso) => DATE.format(new Date(Date.parse(`${iso}T00:00:00Z`) + 86400000));

/** "n of N ..." words for a figure: how many children stand behind it. */
export function coverage(figure, children, over) {
  if (figure.suppressed) return "withheld: too few children to show without risk of identifying a child";
  if (over === "children") return `${figure.n} children`;
  return `${figure.n} of ${children} ${over}`;
}

function query() {
  const data = new FormData(form);
  const params = new URLSearchParams();
  for (const [k, v] of data) if (v) params.set(k, v);
  return params.toString();
}

function tile(key, label, text, measure, extra = []) {
  const div = document.createElement("div");
  div.className = "tile";
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.textContent = text;
  dd.dataset.measure = key;
  dd.dataset.value = JSON.stringify(measure ?? null);
  div.append(dt, dd, ...extra);
  return div;
}

function line(className, text) {
  const p = document.createElement("dd");
  p.className = className;
  p.textContent = text;
  return p;
}

function tiles(m) {
  const on = `On ${day(m.at)}`;
  const window = `${dayAfter(m.window_start)} – ${day(m.at)}`;
  const count = tile("children", "Children open", String(m.children), m.children,
    [line("meaning", "Children open to the service on this date, in this scope."), line("when", on)]);
  $("tiles").replaceChildren(count, ...TILES.map(([key, label, kind, meaning, over, period]) => {
    const f = m[key];
    return tile(key, label, format(f.value, kind), f.value, [
      line("meaning", meaning),
      line("n", coverage(f, m.children, over)),
      line("when", period === "window" ? window : on),
    ]);
  }));
}

function trendTable(trend) {
  const head = document.createElement("thead");
  const hr = document.createElement("tr");
  for (const label of ["Month end", "Children", ...TILES.map(([, l]) => l)]) {
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
    const kids = document.createElement("td");
    kids.textContent = String(row.children);
    tr.append(th, kids);
    for (const [key, , kind] of TILES) {
      const td = document.createElement("td");
      const f = row[key];
      td.textContent = f.suppressed ? "withheld" : `${format(f.value, kind)} (n=${f.n})`;
      tr.append(td);
    }
    body.append(tr);
  }
  $("trend-table").replaceChildren(head, body);
}

function clear(message) {
  showPlans(null);
  $("tiles").replaceChildren();
  $("trend-table").replaceChildren();
  $("fig-trusted").closest("section").hidden = true;
  $("status").textContent = message;
}

async function show() {
  const q = query();
  $("csv").href = `/api/dashboard.csv?${q}`;
  history.replaceState(null, "", `?${q}`);
  $("status").textContent = "Loading…";
  try {
    const { data } = await api(`/api/dashboard?${q}`);
    if (data.empty) {
      const from = data.data_from ? ` Records in this scope start on ${day(data.data_from)}.` : "";
      clear(`No children were open on ${day(data.at)} in this scope, so there is nothing to measure.${from}`);
      $("status").dataset.state = "empty";
      return;
    }
    delete $("status").dataset.state;
    tiles(data.measures);
    trendTable(data.trend || []);
    showPlans(data); // meetings and plans (dashboard-plans.js)
    // Too few children for a leader: the count only, no charts (the API says why).
    const charts = $("fig-trusted").closest("section");
    charts.hidden = Boolean(data.suppressed);
    if (!data.suppressed) {
      const figures = await api(`/dashboard/figures?${q}`);
      const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] };
      for (const [name, fig] of Object.entries(figures.data.figures || {})) {
        const target = $(`fig-${name}`);
        if (target) await window.Plotly.react(target, fig.data, fig.layout, config);
      }
    }
    const counted = `${data.measures.children} children as at ${data.measures.at}.`;
    $("status").textContent = data.suppressed
      ? `${counted} Their measures and charts are not shown: ${data.reason}.`
      : counted;
  } catch (e) {
    if (e.status === 401) { location.assign("/?next=/dashboard"); return; }
    if (e.status === 422 && e.details.some((d) => d.field === "at")) {
      clear(`${day(form.at.value)} is after today. The dashboard shows what was recorded, never a forecast: choose today or an earlier date.`);
      $("status").dataset.state = "future";
      return;
    }
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
  form.at.max = today();
  for (const k of ["status", "months"]) if (params.get(k)) form[k].value = params.get(k);
  if (params.get("team")) {  // the team's option must exist before the figures ask for it
    teams().then(() => { form.team.value = params.get("team"); show(); });
  } else {  // the figures need not wait for the team list
    teams();
    show();
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); show(); });
  $("sign-out").addEventListener("click", signOut);
}

start();
