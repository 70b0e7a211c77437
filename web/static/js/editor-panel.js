// The editor's side panel: the chosen person's tie (strength and components) and the
// child's measures, written as short tables a worker can read aloud.

import { CATEGORY_LABELS, COMPONENT_LABELS, LINE_LABELS, RING_LABELS } from "./ecomap-style.js";

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

const show = (v) => (v === null || v === undefined ? "—" : String(v));
const pct = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000) / 10}%`);

function table(caption, rows) {
  return h("table", { class: "facts" }, h("caption", {}, caption),
    h("tbody", {}, rows.map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, show(v))))));
}

/** The chosen member's tie, with the actions a worker takes on it. */
export function memberPanel(m, actions) {
  const rows = [
    ["Who", `${CATEGORY_LABELS[m.category] || m.category}${m.role ? `, ${m.role.replaceAll("_", " ")}` : ""}`],
    ["Known since", m.started || "unknown"],
    ["Line", LINE_LABELS[m.ended ? "ended" : m.line] || m.line],
    ["Ring", RING_LABELS[m.ring]],
    ["Help flows", { both: "both ways", to_child: "to the child", from_child: "from the child" }[m.arrows] || "—"],
    ["Trusted", m.trusted ? "yes ★" : "no"],
    ["Strength (0–100)", m.strength],
    ["Last seen by", m.observed_on ? `${m.observed_by}, ${m.observed_on}` : "not rated yet"],
  ];
  if (m.ended) rows.push(["Ended", `${m.ended} (${show(m.end_reason).replaceAll("_", " ")})`]);
  const comp = m.components
    ? table("Strength components (0–1)", Object.entries(COMPONENT_LABELS).map(([k, label]) => [`${label} (${k})`, m.components[k]]))
    : h("p", { class: "hint" }, "No components until the tie is rated.");
  const buttons = m.ended ? [] : [
    h("button", { type: "button", onclick: () => actions.observe(m) }, "Record observation"),
    h("button", { type: "button", onclick: () => actions.editPerson(m) }, "Edit person"),
    h("button", { type: "button", class: "danger", onclick: () => actions.endTie(m) }, "End tie"),
  ];
  return [h("h2", { id: "selected-title" }, m.name), table("Tie", rows), comp, h("div", { class: "buttons" }, buttons)];
}

/** The child's measures on the map's date (MEASURES.md names, shown in words). */
export function measuresPanel(measures) {
  const n = measures.network || {};
  const c = measures.continuity || {};
  const k = measures.concordance || {};
  return [
    table(`Network on ${measures.at}`, [
      ["People (size)", n.size],
      ["Trusted adults", n.trusted_adults],
      ["Unpaid trusted adults", n.unpaid_trusted_adults],
      ["Network strength", n.network_strength],
      ["Mean strength", n.mean_strength],
      ["Paid share", pct(n.paid_share)],
      ["Support gaps", (n.support_gaps || []).join(", ") || "none"],
      ["Reciprocity", pct(n.reciprocity)],
      ["Density", n.density],
    ]),
    table(`Over ${measures.window_days} days`, [
      ["Continuity", c.continuity],
      ["Retention", pct(c.retention)],
      ["Trusted retention", pct(c.trusted_retention)],
      ["Gained / lost", `${show(c.gained)} / ${show(c.lost)}`],
      ["Social workers", c.social_workers],
      ["Placements", c.placements],
    ]),
    table("Child and adults agree", [
      ["Trust agreement", k.trust_agreement],
      ["Trusted only by the child", (k.unseen_trusted || []).length],
    ]),
  ];
}

/** The compare view's list of changes, in words as well as on the map. */
export function changesPanel(diff, names) {
  const item = (m, text) => h("li", {}, h("strong", {}, m.name || names.get(m.id) || m.id), ` ${text}`);
  const lists = [
    ["New", diff.gained.map((m) => item(m, `(${LINE_LABELS[m.line] || m.line})`))],
    ["Gone", diff.lost.map((m) => item(m, m.ended ? `ended ${m.ended}${m.end_reason ? `, ${m.end_reason.replaceAll("_", " ")}` : ""}` : ""))],
    ["Changed", diff.changed.map((m) => item(m, m.changes.map((c) => `${c.field}: ${show(c.from)} → ${show(c.to)}`).join("; ")))],
  ];
  return [
    h("p", {}, `From ${diff.from} to ${diff.to}: ${diff.gained.length} new, ${diff.lost.length} gone, ${diff.changed.length} changed, ${diff.unchanged} the same.`),
    ...lists.filter(([, items]) => items.length).map(([title, items]) => [h("h3", {}, title), h("ul", {}, items)]),
  ];
}
