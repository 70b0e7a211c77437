// The editor's side panel: the chosen person's tie (strength and components) and the
// child's measures, written as short tables a worker can read aloud.

import { CATEGORIES, CATEGORY_LABELS, COMPONENT_LABELS, LINE_LABELS, RING_LABELS } from "./ecomap-style.js";
import { h } from "./dom.js";


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
    ["Help flows", { both: "both ways", towards_child: "towards the child", away_from_child: "from the child", none: "not asked" }[m.arrows] || "—"],
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
  return [h("h2", { id: "selected-title" }, h("bdi", {}, m.name)), table("Tie", rows), comp, h("div", { class: "buttons" }, buttons)];
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
      ["Trust question", n.trust_answered ? `answered ${n.trust_answered_on}` : "not asked yet"],
      ["Support gaps", n.support_gaps == null ? "not asked yet" : n.support_gaps.join(", ") || "none"],
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

const FLOW_WORDS = { both: "both ways", towards_child: "towards the child", away_from_child: "from the child", none: "in neither way recorded" };
const RING_WORDS = { 1: "very close", 2: "sort of close", 3: "not very close", 4: "not rated" };
const CLOSENESS_WORDS = { 3: "very close", 2: "sort of close", 1: "not very close" };

/** One change to a person's tie, in words ("moved from sort of close to very close"). */
export function changeInWords(c, changes = []) {
  const has = (field) => changes.some((x) => x.field === field);
  switch (c.field) {
    case "ring": return `moved from ${RING_WORDS[c.from] || "not rated"} to ${RING_WORDS[c.to] || "not rated"}`;
    case "closeness": return has("ring") ? null : `now feels ${CLOSENESS_WORDS[c.to] || "not rated"} (was ${CLOSENESS_WORDS[c.from] || "not rated"})`;
    case "line": return `their line went from ${LINE_LABELS[c.from] || c.from} to ${LINE_LABELS[c.to] || c.to}`;
    case "arrows": return c.to && c.to !== "none" ? `help now flows ${FLOW_WORDS[c.to]}` : "help no longer flows either way";
    case "trusted": return c.to === true ? "is now trusted" : c.from === true ? "is no longer trusted" : null;
    case "strength": return c.from === null ? `now has a strength of ${c.to}` : c.to === null ? "is no longer rated" : `strength went from ${c.from} to ${c.to}`;
    case "category": return `is now counted as ${CATEGORY_LABELS[c.to] || c.to} (was ${CATEGORY_LABELS[c.from] || c.from})`;
    default: return `${c.field} changed`;
  }
}

/** The compare view's list of changes, in plain words as well as on the map. */
export function changesPanel(diff, names) {
  const item = (m, text) => h("li", {}, h("bdi", {}, m.name || names.get(m.id) || m.id), ` ${text}`);
  const lists = [
    ["New", diff.gained.map((m) => item(m, `is new (${CATEGORY_LABELS[m.category] || m.category}, ${LINE_LABELS[m.line] || m.line} line)`))],
    ["Gone", diff.lost.map((m) => item(m, m.ended ? `is gone: the tie ended on ${m.ended}${m.end_reason ? `, ${m.end_reason.replaceAll("_", " ")}` : ""}` : "is gone"))],
    ["Changed", diff.changed.map((m) => item(m, m.changes.map((c) => changeInWords(c, m.changes)).filter(Boolean).join("; ")))],
    // meetings held in between and the plans' commitments that moved, in the API's words
    // (ecomap/compare_meetings.py)
    ["Meetings held", (diff.meetings || []).map((m) => h("li", { "data-meeting": m.id }, m.words))],
    ["Plans", (diff.commitments || []).map((k) => h("li", { "data-commitment": k.id }, k.words))],
  ];
  const meetings = (diff.meetings || []).length, moved = (diff.commitments || []).length;
  const plans = meetings || moved ? ` ${meetings} meeting${meetings === 1 ? "" : "s"} held, ${moved} commitment${moved === 1 ? "" : "s"} moved on.` : "";
  return [
    h("p", {}, `From ${diff.from} to ${diff.to}: ${diff.gained.length} new, ${diff.lost.length} gone, ${diff.changed.length} changed, ${diff.unchanged} the same.${plans}`),
    ...lists.filter(([, items]) => items.length).map(([title, items]) => [h("h3", {}, title), h("ul", {}, items)]),
  ];
}

/** The people as a list grouped like the map (by who they are, then by ring), for big networks. */
export function listView(members, selected, onSelect) {
  const out = [];
  for (const category of CATEGORIES) {
    const group = members.filter((m) => m.category === category);
    if (!group.length) continue;
    const rings = [1, 2, 3, 4].map((ring) => [ring, group.filter((m) => (Number(m.ring) || 4) === ring && !m.ended)]);
    const ended = group.filter((m) => m.ended);
    out.push(h("section", { class: "list-group" }, h("h3", {}, `${CATEGORY_LABELS[category]} (${group.length})`),
      ...rings.filter(([, ms]) => ms.length).map(([ring, ms]) => [h("h4", {}, RING_LABELS[ring]), people(ms)]),
      ended.length ? [h("h4", {}, "Ended in the year before"), people(ended)] : []));
  }
  function people(ms) {
    return h("ul", {}, [...ms].sort((a, b) => a.name.localeCompare(b.name)).map((m) => h("li", {},
      h("button", { type: "button", class: "person-button", "data-id": m.id, "aria-pressed": String(selected === m.id), onclick: () => onSelect && onSelect(m) },
        h("bdi", {}, m.name), m.role ? ` – ${m.role.replaceAll("_", " ")}` : "", m.trusted ? " ★" : ""))));
  }
  return out;
}
