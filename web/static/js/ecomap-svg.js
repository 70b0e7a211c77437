// Draws one child's ecomap as SVG: the child in the centre, people by sector and ring,
// Hartman's lines and arrows, and a legend. Presentation attributes only, so a
// downloaded SVG looks the same outside the page.

import {
  CATEGORIES, CATEGORY_FILLS, CATEGORY_LABELS, DIFF_STYLES, LINE_LABELS, LINE_STYLES,
} from "./ecomap-style.js";
import { CHILD_R, FONT, layoutEcomap, NODE_R, ringOf } from "./ecomap-layout.js";
import { firstName, initials, isRtl } from "./names.js";

export { ringOf };
const NS = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function text(parent, x, y, content, attrs = {}) {
  const rtl = isRtl(content) ? { direction: "rtl", "unicode-bidi": "isolate" } : {};
  const t = el("text", { x, y, "font-family": "system-ui, sans-serif", "font-size": 15, fill: "#1a1a1a", ...rtl, ...attrs }, parent);
  t.textContent = content;
  return t;
}

/** A five-pointed star as a polygon (a drawing, not text, so it is no part of a name). */
function star(parent, r = 7) {
  const points = [];
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 ? r * 0.45 : r;
    points.push(`${(rr * Math.cos(a)).toFixed(2)},${(rr * Math.sin(a)).toFixed(2)}`);
  }
  return el("polygon", { points: points.join(" "), fill: "#1a1a1a" }, parent);
}

function defs(svg) {
  const d = el("defs", {}, svg);
  for (const [id, colour] of [["arrow", "#1a1a1a"], ["arrow-stress", "#a0001c"], ["arrow-ended", "#595959"]]) {
    const m = el("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 14, markerHeight: 14, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, d);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }, m);
  }
}

function lineKind(member) {
  if (member.ended) return "ended";
  return LINE_STYLES[member.line] ? member.line : "unrated";
}

function trim(from, to, r1, r2) {
  const dx = to.x - from.x, dy = to.y - from.y, len = Math.hypot(dx, dy) || 1;
  return {
    x1: from.x + (dx * r1) / len, y1: from.y + (dy * r1) / len,
    x2: to.x - (dx * r2) / len, y2: to.y - (dy * r2) / len, len, ux: dx / len, uy: dy / len,
  };
}

function segment(x1, y1, x2, y2) {
  const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1;
  return { x1, y1, x2, y2, len, ux: dx / len, uy: dy / len };
}

/** One tie's line of the given kind from (x1,y1) (the child's end) to (x2,y2). */
function drawLine(g, kind, seg, arrows) {
  const marker = kind === "stressful" ? "url(#arrow-stress)" : kind === "ended" ? "url(#arrow-ended)" : "url(#arrow)";
  const attrs = { ...LINE_STYLES[kind], x1: seg.x1, y1: seg.y1, x2: seg.x2, y2: seg.y2, "data-line": kind };
  if (arrows === "both" || arrows === "towards_child") attrs["marker-start"] = marker;
  if (arrows === "both" || arrows === "away_from_child") attrs["marker-end"] = marker;
  el("line", attrs, g);
  const px = -seg.uy, py = seg.ux; // unit normal
  if (kind === "stressful") {
    // Hartman's stressful line: cross-hatched along its length.
    const d = [];
    for (let s = 12; s < seg.len - 12; s += 14) {
      const x = seg.x1 + seg.ux * s, y = seg.y1 + seg.uy * s;
      d.push(`M${(x - px * 7 - seg.ux * 4).toFixed(1)},${(y - py * 7 - seg.uy * 4).toFixed(1)}L${(x + px * 7 + seg.ux * 4).toFixed(1)},${(y + py * 7 + seg.uy * 4).toFixed(1)}`);
    }
    if (d.length) el("path", { d: d.join(""), stroke: "#a0001c", "stroke-width": 2, fill: "none" }, g);
  }
  if (kind === "ended") {
    // A cut across the middle: two short bars, the tie no longer runs.
    const mx = (seg.x1 + seg.x2) / 2, my = (seg.y1 + seg.y2) / 2;
    for (const off of [-4, 4]) {
      el("line", { x1: mx + seg.ux * off - px * 10, y1: my + seg.uy * off - py * 10, x2: mx + seg.ux * off + px * 10, y2: my + seg.uy * off + py * 10, stroke: "#1a1a1a", "stroke-width": 3 }, g);
    }
  }
}


/** The rings as ellipses (circles unless the map had to grow downwards), the sector
 * lines, and the sector and ring names where the layout kept room for them. */
function background(svg, lay, plain) {
  const { geo, bands } = lay;
  const g = el("g", { "aria-hidden": "true" }, svg);
  el("rect", { x: 0, y: 0, width: lay.width, height: lay.fullHeight, fill: "#ffffff" }, g);
  for (const ring of [4, 3, 2, 1]) {
    if (ring === 4 && !lay.ringLabels.some((r) => r.ring === 4)) continue;
    const r = bands[ring][1] + 3;
    el("ellipse", { class: "ring", "data-ring": ring, cx: geo.cx, cy: geo.cy, rx: r * geo.sx, ry: r * geo.sy, fill: ring === 1 ? "#f7f9fc" : "none", stroke: "#c4cbd4", "stroke-width": 1.2 }, g);
  }
  const outer = lay.outer;
  for (const { start } of lay.sectors) {
    const c = Math.cos(start), s = Math.sin(start), k = Math.hypot(geo.sx * c, geo.sy * s);
    el("line", { x1: geo.cx + ((CHILD_R + 10) * geo.sx * c) / k, y1: geo.cy + ((CHILD_R + 10) * geo.sy * s) / k, x2: geo.cx + outer * geo.sx * c, y2: geo.cy + outer * geo.sy * s, stroke: "#d5dae0", "stroke-width": 1.2 }, g);
  }
  for (const l of lay.sectorLabels) {
    text(g, l.x + l.w / 2, l.y + l.h / 2, l.text, { class: "sector-label", "text-anchor": "middle", "dominant-baseline": "central", "font-weight": 700, "font-size": 16, fill: "#3a4450" });
  }
  for (const l of lay.ringLabels) {
    text(g, l.x + l.w / 2, l.y + l.h / 2, l.text, { class: "ring-label", "text-anchor": "middle", "dominant-baseline": "central", "font-size": 13, fill: "#4d5660" });
  }
  if (plain) g.setAttribute("data-plain", "true");
}

function drawTie(g, member, place, centre, diffKind) {
  const t = trim(centre, place, CHILD_R + 3, NODE_R + 3);
  const seg = segment(t.x1, t.y1, t.x2, t.y2);
  if (diffKind) {
    el("line", { x1: seg.x1, y1: seg.y1, x2: seg.x2, y2: seg.y2, stroke: DIFF_STYLES[diffKind].colour, "stroke-width": 16, "stroke-opacity": 0.35, "stroke-linecap": "round" }, g);
  }
  drawLine(g, lineKind(member), seg, member.arrows);
}

const FLOWS = { both: "help flows both ways", towards_child: "help flows towards the child", away_from_child: "help flows from the child" };

/** What a screen reader says for a person; with `plain`, no numbers and no scores. */
function describeMember(m, diffKind, plain) {
  const parts = [m.name, CATEGORY_LABELS[m.category] || m.category];
  if (m.role) parts.push(m.role.replaceAll("_", " "));
  parts.push(`${LINE_LABELS[lineKind(m)]} tie`);
  if (!plain && m.strength !== null && m.strength !== undefined) parts.push(`strength ${m.strength}`);
  if (!plain && m.trusted) parts.push("trusted");
  if (!plain && FLOWS[m.arrows]) parts.push(FLOWS[m.arrows]);
  if (diffKind) parts.push(DIFF_STYLES[diffKind].label.split(" ")[0]);
  return parts.join(", ");
}

function drawNode(g, m, place, label, { selected, diffKind, onSelect, plain }) {
  const at = `translate(${place.x.toFixed(1)} ${place.y.toFixed(1)})`;
  // The focusable button holds shapes only; its name is its aria-label. The written
  // initials, name and badges sit in a sibling group hidden from assistive technology.
  const ended = lineKind(m) === "ended";
  const node = el("g", {
    class: "member", tabindex: 0, role: "button", "data-id": m.id,
    "aria-label": describeMember(m, diffKind, plain), "aria-pressed": selected ? "true" : "false", transform: at,
    "data-ended": ended ? "true" : null,
  }, g);
  el("circle", {
    class: "node", r: NODE_R, fill: CATEGORY_FILLS[m.category] || "#eeeeee",
    stroke: selected ? "#0b5cad" : ended ? "#595959" : "#1a1a1a", "stroke-width": selected ? 4 : 2, "stroke-dasharray": ended && !selected ? "4 3" : null,
  }, node);
  if (m.adult === false) el("circle", { r: NODE_R - 5, fill: "none", stroke: "#1a1a1a", "stroke-width": 1 }, node);
  const words = el("g", { transform: at, "aria-hidden": "true", "pointer-events": "none", "data-for": m.id }, g);
  el("title", {}, words).textContent = describeMember(m, diffKind, plain);
  text(words, 0, 0, initials(m.name), { "text-anchor": "middle", "dominant-baseline": "central", "font-weight": 700, "font-size": 15 });
  const l = place.label;
  const name = text(words, l.x + l.w / 2 - place.x, l.y + l.h / 2 - place.y, label, {
    class: "member-label", "data-for": m.id, "pointer-events": "auto", "text-anchor": "middle", "dominant-baseline": "central", "font-size": FONT, "font-weight": 600,
  });
  const off = NODE_R * 0.62;
  if (m.trusted && !plain) {
    const badge = el("g", { transform: `translate(${off} ${-off})` }, words);
    el("circle", { r: 8, fill: "#ffd24d", stroke: "#1a1a1a", "stroke-width": 1.2 }, badge);
    star(badge, 5.5);
  }
  if (diffKind) {
    const sign = { gained: "+", lost: "−", changed: "~" }[diffKind];
    const b = el("g", { transform: `translate(${-off} ${-off})` }, words);
    el("circle", { r: 8, fill: DIFF_STYLES[diffKind].colour }, b);
    text(b, 0, 0, sign, { "text-anchor": "middle", "dominant-baseline": "central", "font-size": 13, "font-weight": 700, fill: "#ffffff" });
  }
  if (onSelect) {
    node.addEventListener("click", () => onSelect(m));
    name.addEventListener("click", () => onSelect(m));
    node.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onSelect(m); }
    });
  }
}

const LEGEND_ROW = 28;

/** The key's rows: [height, draw(g)] each. In plain mode only the lines and rings. */
function legendRows(diff, plain) {
  const rows = [[LEGEND_ROW + 4, (g) => text(g, 0, 0, "Key", { "font-weight": 700, "font-size": 18, class: "legend-label" })]];
  const kinds = plain ? ["strong", "normal", "tenuous", "stressful", "unrated"] : ["strong", "normal", "tenuous", "stressful", "unrated", "ended"];
  for (const kind of kinds) {
    rows.push([LEGEND_ROW, (g) => { drawLine(g, kind, segment(0, -5, 70, -5), null); text(g, 86, 0, LINE_LABELS[kind], { class: "legend-label" }); }]);
  }
  rows.push([LEGEND_ROW + 4, (g) => {
    el("line", { x1: 0, y1: -5, x2: 70, y2: -5, stroke: "#1a1a1a", "stroke-width": 2.5, "marker-end": "url(#arrow)" }, g);
    text(g, 86, 0, "help flows this way", { class: "legend-label" });
  }]);
  if (!plain) {
    rows.push([LEGEND_ROW, (g) => { const b = el("g", { transform: "translate(12 -5)" }, g); el("circle", { r: 8, fill: "#ffd24d", stroke: "#1a1a1a", "stroke-width": 1.2 }, b); star(b, 5.5); text(g, 86, 0, "trusted", { class: "legend-label" }); }]);
  }
  rows.push([LEGEND_ROW, (g) => {
    const kid = el("g", { transform: "translate(12 -5)" }, g);
    el("circle", { r: 11, fill: "#ffffff", stroke: "#1a1a1a", "stroke-width": 2 }, kid);
    el("circle", { r: 7, fill: "none", stroke: "#1a1a1a", "stroke-width": 1 }, kid);
    text(g, 86, 0, "young person", { class: "legend-label" });
  }]);
  rows.push([22, (g) => text(g, 0, 0, "Rings: closeness", { "font-size": 14, fill: "#4d5660", class: "legend-label" })]);
  rows.push([LEGEND_ROW, (g) => text(g, 0, 0, "Sectors: who they are", { "font-size": 14, fill: "#4d5660", class: "legend-label" })]);
  if (diff) {
    rows.push([22, (g) => text(g, 0, 0, `Changes since ${diff.from}`, { "font-weight": 700, class: "legend-label" })]);
    rows.push([LEGEND_ROW, (g) => text(g, 0, 0, `to ${diff.to}`, { "font-weight": 700, class: "legend-label" })]);
    for (const [kind, style] of Object.entries(DIFF_STYLES)) {
      rows.push([LEGEND_ROW, (g) => {
        el("line", { x1: 0, y1: -5, x2: 70, y2: -5, stroke: style.colour, "stroke-width": 14, "stroke-opacity": 0.35 }, g);
        text(g, 86, 0, `${style.label.split(" ")[0]} (${diff.counts[kind]})`, { class: "legend-label" });
      }]);
    }
  }
  return rows;
}

/** The key, in one column (beside the map) or in columns 230 px wide (below it). Returns its height. */
function legend(svg, lay, diff, plain) {
  const rows = legendRows(diff, plain);
  const g = el("g", { transform: `translate(${lay.legendAt.x} ${lay.legendAt.y + 14})`, class: "legend" }, svg);
  const columns = lay.legend === "right" ? 1 : Math.max(1, Math.floor((lay.width - 16) / 230));
  const perColumn = Math.ceil(rows.length / columns);
  let height = 0;
  for (let c = 0; c < columns; c++) {
    let y = 0;
    for (const [h, draw] of rows.slice(c * perColumn, (c + 1) * perColumn)) {
      draw(el("g", { transform: `translate(${c * 230} ${y})` }, g));
      y += h;
    }
    height = Math.max(height, y);
  }
  return height + 24;
}

/**
 * Draw `view` ({child, at, members, links}) into a new <svg> `width` px wide (the width it
 * is shown at, so text and tap targets keep their sizes).
 * options: selected (member id), diff ({from, to, kinds: Map id→kind, counts}), onSelect,
 * universe (everyone ever in the network, for stable places), plain (with the child:
 * names, rings and lines only), title (written at the top, for downloads and prints),
 * key (false: no legend, for measuring many maps at once).
 */
export function drawEcomap(view, { selected = null, diff = null, onSelect = null, width = 1000, universe = view.members, plain = false, title = null, key = true } = {}) {
  const lay = layoutEcomap(view.members, { width, universe });
  const svg = el("svg", {
    xmlns: NS, role: "group", class: "ecomap",
    "aria-label": `Ecomap of ${view.child.name} on ${view.at}: ${view.members.length} people`,
  });
  const top = title ? 30 : 0;
  lay.fullHeight = lay.height;
  defs(svg);
  const body = el("g", { transform: `translate(0 ${top})` }, svg);
  background(body, lay, plain);
  if (title) text(svg, 12, 20, title, { class: "map-title", "font-weight": 700, "font-size": 16 });
  const { geo, places } = lay;
  const centre = { x: geo.cx, y: geo.cy };
  const links = el("g", { "aria-hidden": "true" }, body);
  if (!plain) {
    for (const link of view.links || []) {
      const a = places.get(link.between[0]), b = places.get(link.between[1]);
      if (!a || !b) continue;
      const seg = trim(a, b, NODE_R + 2, NODE_R + 2);
      el("line", { x1: seg.x1, y1: seg.y1, x2: seg.x2, y2: seg.y2, stroke: "#8a939c", "stroke-width": 1.5, "stroke-dasharray": link.ended ? "3 4" : null }, links);
    }
  }
  const ties = el("g", { "aria-hidden": "true", class: "ties" }, body);
  for (const m of view.members) drawTie(ties, m, places.get(m.id), centre, diff && diff.kinds.get(m.id));
  const child = el("g", { transform: `translate(${geo.cx} ${geo.cy})`, "aria-hidden": "true" }, body);
  el("circle", { class: "child-node", r: CHILD_R, fill: "#ffffff", stroke: "#1a1a1a", "stroke-width": 3 }, child);
  el("circle", { r: CHILD_R - 6, fill: "none", stroke: "#1a1a1a", "stroke-width": 1 }, child);
  text(child, 0, 0, firstName(view.child.name, 6), { class: "child-label", "text-anchor": "middle", "dominant-baseline": "central", "font-weight": 700, "font-size": 14 });
  const nodes = el("g", { role: "list", "aria-label": "People in the network" }, body);
  const ordered = [...view.members].sort((a, b) =>
    CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || ringOf(a) - ringOf(b) || a.name.localeCompare(b.name));
  for (const m of ordered) {
    const item = el("g", { role: "listitem" }, nodes);
    drawNode(item, m, places.get(m.id), lay.labels.get(m.id), { selected: selected === m.id, diffKind: diff && diff.kinds.get(m.id), onSelect, plain });
  }
  const legendHeight = key ? legend(body, lay, diff, plain) : 0;
  const height = Math.ceil(Math.max(lay.height, lay.legend === "below" ? lay.legendAt.y + legendHeight : 520) + top);
  svg.setAttribute("viewBox", `0 0 ${Math.ceil(lay.width)} ${height}`);
  svg.setAttribute("width", Math.ceil(lay.width));
  svg.setAttribute("height", height);
  svg.querySelector("rect").setAttribute("height", height);
  return svg;
}
