// The dashboard's "Meetings and plans" section: meetings held, commitments kept, the
// family and community share of commitments, the child's views conveyed (each with its
// n and a monthly trend), and open commitments by who holds them (a plotly chart from
// /dashboard/figures, with the same numbers as a table). Drawn from the dashboard's own
// answer (data.plans, data.plans_trend); withheld figures say so.
// Self-mounting: dashboard.js calls showPlans(data) after each load (docs/meetings.md).

import { h } from "./dom.js";

const FIGURES = [
  ["meeting_rate", "Had a meeting", "Share of children with a family meeting, conference or review in the year.", "children"],
  ["median_commitments_kept_rate", "Commitments kept (median)", "Of the commitments due in the year, the share done, for the middle child.", "with commitments due"],
  ["median_network_commitment_share", "Held by family and community (median)", "Of open commitments, the share held by someone unpaid, for the middle child.", "with open commitments"],
  ["child_views_conveyed_rate", "Child's views conveyed", "At the latest meeting, the child's views were heard (in person, by an advocate or another way).", "with a participation code"],
];
const HOLDERS = { family: "Family", friend: "Friends", community: "Community", volunteer: "Volunteers", carer: "Carers", professional: "Professionals", child: "The child" };


const pct = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000) / 10}%`);

function ensureSection() {
  let section = document.getElementById("plans");
  if (section) return section;
  document.head.append(h("link", { rel: "stylesheet", href: "/static/css/dashboard-plans.css" }));
  section = h("section", { id: "plans", "aria-labelledby": "plans-title", class: "plans" },
    h("h2", { id: "plans-title", text: "Meetings and plans" }),
    h("dl", { id: "plans-tiles", class: "tiles" }),
    h("figure", { class: "card holders" },
      h("figcaption", { id: "holders-title", text: "Open commitments by who holds them" }),
      h("div", { id: "fig-holders", class: "chart" }),
      h("details", { id: "holders-table" },
        h("summary", { text: "The chart as a table" }),
        h("table", { id: "holders", class: "facts", "aria-labelledby": "holders-title" }))));
  const anchor = document.getElementById("numbers");
  anchor.after(section);
  return section;
}

function trendWords(trend, key) {
  const shown = trend.filter((p) => !p[key].suppressed && p[key].value !== null);
  if (shown.length < 2) return "no trend yet";
  const first = shown[0][key].value;
  const last = shown[shown.length - 1][key].value;
  const diff = Math.round((last - first) * 1000) / 10;
  const word = diff === 0 ? "no change" : diff > 0 ? `up ${diff} points` : `down ${-diff} points`;
  return `${word} since ${shown[0].at}`;
}

export function showPlans(data) {
  const section = ensureSection();
  const plans = data && data.plans;
  section.hidden = !plans || data.empty;
  if (section.hidden) return;
  const trend = data.plans_trend || [];
  document.getElementById("plans-tiles").replaceChildren(...FIGURES.map(([key, label, meaning, over]) => {
    const f = plans[key];
    return h("div", { class: "tile" },
      h("dt", { text: label }),
      h("dd", { "data-measure": key, text: f.suppressed ? "withheld" : pct(f.value) }),
      h("dd", { class: "meaning", text: meaning }),
      h("dd", { class: "n", text: f.suppressed ? "withheld: too few children to show without risk of identifying a child" : `${f.n} children ${over}` }),
      h("dd", { class: "trend", text: f.suppressed ? "" : trendWords(trend, key) }));
  }));
  // The chart is a plotly figure built server-side (web/figures.py holders_figure),
  // drawn into #fig-holders by dashboard.js with the other figures; a fresh element
  // each load so no earlier chart stays. Without figures (a leader's small scope) the
  // table below is the chart, open.
  const chart = h("div", { id: "fig-holders", class: "chart", hidden: Boolean(data.suppressed) });
  document.getElementById("fig-holders").replaceWith(chart);
  document.getElementById("holders-table").open = Boolean(data.suppressed);
  const most = Math.max(1, ...plans.holders.map((b) => b.commitments || 0));
  const rows = plans.holders.map((b) => h("tr", { "data-holder": b.holder },
    h("th", { scope: "row", text: HOLDERS[b.holder] || b.holder }),
    h("td", { class: "bar-cell" }, b.suppressed
      ? h("span", { text: "fewer than the minimum children" })
      : h("span", { class: "bar", style: `width: ${Math.round((100 * b.commitments) / most)}%` })),
    h("td", { text: b.suppressed ? "—" : `${b.commitments} (${b.children} children)` })));
  document.getElementById("holders").replaceChildren(
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Held by" }), h("th", { scope: "col", text: "Share of the largest" }), h("th", { scope: "col", text: "Commitments" }))),
    h("tbody", {}, ...rows));
}
