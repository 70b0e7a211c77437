// Draws one child's ecomap as SVG: the child in the centre, people by sector and ring,
// Hartman's lines and arrows, and a legend. Presentation attributes only, so a
// downloaded SVG looks the same outside the page.

import {
  CATEGORIES, CATEGORY_FILLS, CATEGORY_LABELS, DIFF_STYLES, LINE_LABELS, LINE_STYLES,
  RING_BANDS, RING_LABELS,
} from "./ecomap-style.js";

const NS = "http://www.w3.org/2000/svg";
const CX = 395, CY = 385, NODE_R = 24, CHILD_R = 36;
export const WIDTH = 1060, HEIGHT = 780;

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function text(parent, x, y, content, attrs = {}) {
  const t = el("text", { x, y, "font-family": "system-ui, sans-serif", "font-size": 15, fill: "#1a1a1a", ...attrs }, parent);
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

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
}

function short(name, n = 16) { return name.length > n ? `${name.slice(0, n - 1)}…` : name; }

/** The name written on the map: first name and initial ("Esme L."); in full in the panel. */
function label(name) {
  const words = name.split(/\s+/).filter(Boolean);
  if (words.length < 2 || /^(mr|mrs|ms|miss|dr|coach)\.?$/i.test(words[0])) return short(name, 14);
  return short(`${words[0]} ${words[1][0]}.`, 14);
}

/** The sectors: one per category in a fixed order, each as wide as its share of people
 * (with a floor, so an empty sector keeps room for its name). */
export function sectors(members) {
  const weights = CATEGORIES.map((c) => members.filter((m) => m.category === c).length + 1.5);
  const total = weights.reduce((a, b) => a + b, 0);
  let start = -Math.PI / 2;
  return CATEGORIES.map((category, i) => {
    const size = (2 * Math.PI * weights[i]) / total;
    const sector = { category, start, size };
    start += size;
    return sector;
  });
}

const SLOT = NODE_R * 2 + 16; // room one person needs along a row

/** Rows within a ring's band, nearest the band's middle first. */
function rows(ring) {
  const [lo, hi] = RING_BANDS[ring];
  const mid = (lo + hi) / 2;
  const out = [mid];
  for (let step = 1; out.length < 6; step++) {
    const up = mid + step * 42, down = mid - step * 42;
    if (up <= hi) out.push(up);
    if (down >= lo) out.push(down);
    if (up > hi && down < lo) break;
  }
  return out;
}

/** Where each member sits: within their category's sector, on their ring's band, filling
 * rows across the sector so that people do not cover each other. */
export function layout(members, parts = sectors(members)) {
  const places = new Map();
  for (const { category, start, size } of parts) {
    for (const ring of [1, 2, 3, 4]) {
      const group = members.filter((m) => m.category === category && ringOf(m) === ring)
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      const radii = rows(ring);
      let k = 0;
      radii.forEach((r, rowIndex) => {
        const last = rowIndex === radii.length - 1;
        const room = Math.max(1, Math.floor((r * size) / SLOT));
        const take = last ? group.length - k : Math.min(room, group.length - k);
        for (let j = 0; j < take; j++, k++) {
          // Alternate rows are turned half a slot so names do not stack up.
          const turn = rowIndex % 2 ? 0.5 / Math.max(take, 1) : 0;
          const angle = start + size * (((j + 0.5) / take + turn) % 1);
          places.set(group[k].id, { x: CX + r * Math.cos(angle), y: CY + r * Math.sin(angle), angle });
        }
      });
    }
  }
  return places;
}

export function ringOf(member) {
  const r = Number(member.ring);
  return r >= 1 && r <= 4 ? r : 4;
}

function defs(svg) {
  const d = el("defs", {}, svg);
  for (const [id, colour] of [["arrow", "#1a1a1a"], ["arrow-stress", "#a0001c"], ["arrow-ended", "#595959"]]) {
    const m = el("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 14, markerHeight: 14, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, d);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }, m);
  }
}

function background(svg, parts) {
  const g = el("g", { "aria-hidden": "true" }, svg);
  el("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT, fill: "#ffffff" }, g);
  for (const ring of [3, 2, 1]) {
    el("circle", { cx: CX, cy: CY, r: RING_BANDS[ring][1] + 6, fill: ring === 1 ? "#f7f9fc" : "none", stroke: "#c4cbd4", "stroke-width": 1.2 }, g);
  }
  for (const { category, start, size } of parts) {
    el("line", { x1: CX + 55 * Math.cos(start), y1: CY + 55 * Math.sin(start), x2: CX + 365 * Math.cos(start), y2: CY + 365 * Math.sin(start), stroke: "#d5dae0", "stroke-width": 1.2 }, g);
    const mid = start + size / 2;
    // Side labels hug the outer ring from inside the picture so none is cut off.
    const c = Math.cos(mid), side = Math.abs(c) > 0.8;
    const r = 372;
    text(g, CX + r * c, CY + r * Math.sin(mid) + 5, CATEGORY_LABELS[category], {
      "text-anchor": side ? (c < 0 ? "start" : "end") : "middle", "font-weight": 700, "font-size": 16, fill: "#3a4450", stroke: "#ffffff", "stroke-width": 4, "paint-order": "stroke",
    });
  }
  for (const ring of [1, 2, 3]) {
    // Straight up, on the line between the last sector and the first, where no one sits.
    text(g, CX, CY - RING_BANDS[ring][1] + 12, RING_LABELS[ring], { "font-size": 13, fill: "#4d5660", "text-anchor": "middle", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" });
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
  if (arrows === "both" || arrows === "to_child") attrs["marker-start"] = marker;
  if (arrows === "both" || arrows === "from_child") attrs["marker-end"] = marker;
  el("line", attrs, g);
  const px = -seg.uy, py = seg.ux; // unit normal
  if (kind === "stressful") {
    // Hartman's stressful line: cross-hatched along its length.
    for (let s = 12; s < seg.len - 12; s += 14) {
      const x = seg.x1 + seg.ux * s, y = seg.y1 + seg.uy * s;
      el("line", { x1: x - px * 7 - seg.ux * 4, y1: y - py * 7 - seg.uy * 4, x2: x + px * 7 + seg.ux * 4, y2: y + py * 7 + seg.uy * 4, stroke: "#a0001c", "stroke-width": 2 }, g);
    }
  }
  if (kind === "ended") {
    // A cut across the middle: two short bars, the tie no longer runs.
    const mx = (seg.x1 + seg.x2) / 2, my = (seg.y1 + seg.y2) / 2;
    for (const off of [-4, 4]) {
      el("line", { x1: mx + seg.ux * off - px * 10, y1: my + seg.uy * off - py * 10, x2: mx + seg.ux * off + px * 10, y2: my + seg.uy * off + py * 10, stroke: "#1a1a1a", "stroke-width": 3 }, g);
    }
  }
}

function drawTie(g, member, place, diffKind) {
  const t = trim({ x: CX, y: CY }, place, CHILD_R + 3, NODE_R + 3);
  const seg = segment(t.x1, t.y1, t.x2, t.y2);
  if (diffKind) {
    el("line", { x1: seg.x1, y1: seg.y1, x2: seg.x2, y2: seg.y2, stroke: DIFF_STYLES[diffKind].colour, "stroke-width": 16, "stroke-opacity": 0.35, "stroke-linecap": "round" }, g);
  }
  drawLine(g, lineKind(member), seg, member.arrows);
}

function describeMember(m, diffKind) {
  const parts = [m.name, CATEGORY_LABELS[m.category] || m.category];
  if (m.role) parts.push(m.role.replaceAll("_", " "));
  parts.push(`${LINE_LABELS[lineKind(m)]} tie`);
  if (m.strength !== null && m.strength !== undefined) parts.push(`strength ${m.strength}`);
  if (m.trusted) parts.push("trusted");
  if (diffKind) parts.push(DIFF_STYLES[diffKind].label.split(" ")[0]);
  return parts.join(", ");
}

function drawNode(g, m, place, { selected, diffKind, onSelect }) {
  const at = `translate(${place.x.toFixed(1)} ${place.y.toFixed(1)})`;
  // The focusable button holds shapes only; its name is its aria-label. The written
  // initials, name and badges sit in a sibling group hidden from assistive technology.
  const node = el("g", {
    class: "member", tabindex: 0, role: "button", "data-id": m.id,
    "aria-label": describeMember(m, diffKind), "aria-pressed": selected ? "true" : "false", transform: at,
    "data-ended": lineKind(m) === "ended" ? "true" : null,
  }, g);
  if (selected) el("circle", { r: NODE_R + 8, fill: "none", stroke: "#0b5cad", "stroke-width": 4 }, node);
  const ended = lineKind(m) === "ended";
  el("circle", {
    r: NODE_R, fill: CATEGORY_FILLS[m.category] || "#eeeeee",
    stroke: ended ? "#595959" : "#1a1a1a", "stroke-width": 2, "stroke-dasharray": ended ? "4 3" : null,
  }, node);
  if (m.adult === false) el("circle", { r: NODE_R - 5, fill: "none", stroke: "#1a1a1a", "stroke-width": 1 }, node);
  const words = el("g", { transform: at, "aria-hidden": "true", "pointer-events": "none", "data-for": m.id }, g);
  el("title", {}, words).textContent = describeMember(m, diffKind);
  text(words, 0, 5, initials(m.name), { "text-anchor": "middle", "font-weight": 700, "font-size": 15 });
  const below = place.y >= CY - 5;
  const name = text(words, 0, below ? NODE_R + 18 : -NODE_R - 8, label(m.name), {
    class: "member-label", "pointer-events": "auto", "text-anchor": "middle", "font-size": 14, "font-weight": 600, stroke: "#ffffff", "stroke-width": 4, "paint-order": "stroke",
  });
  if (m.trusted) {
    const badge = el("g", { transform: `translate(${NODE_R - 4} ${-NODE_R + 4})` }, words);
    el("circle", { r: 11, fill: "#ffd24d", stroke: "#1a1a1a", "stroke-width": 1.5 }, badge);
    star(badge);
  }
  if (diffKind) {
    const sign = { gained: "+", lost: "−", changed: "~" }[diffKind];
    const b = el("g", { transform: `translate(${-NODE_R + 2} ${-NODE_R + 2})` }, words);
    el("circle", { r: 11, fill: DIFF_STYLES[diffKind].colour }, b);
    text(b, 0, 5, sign, { "text-anchor": "middle", "font-size": 16, "font-weight": 700, fill: "#ffffff" });
  }
  if (onSelect) {
    node.addEventListener("click", () => onSelect(m));
    name.addEventListener("click", () => onSelect(m));
    node.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onSelect(m); }
    });
  }
}

function legend(svg, diff) {
  const g = el("g", { transform: "translate(820 40)", class: "legend" }, svg);
  text(g, 0, 0, "Key", { "font-weight": 700, "font-size": 18 });
  let y = 30;
  for (const kind of ["strong", "normal", "tenuous", "stressful", "unrated", "ended"]) {
    const row = el("g", { transform: `translate(0 ${y})` }, g);
    drawLine(row, kind, segment(0, 0, 70, 0), null);
    text(row, 86, 5, LINE_LABELS[kind], { "font-size": 15 });
    y += 30;
  }
  const arrowsRow = el("g", { transform: `translate(0 ${y})` }, g);
  el("line", { x1: 0, y1: 0, x2: 70, y2: 0, stroke: "#1a1a1a", "stroke-width": 2.5, "marker-end": "url(#arrow)" }, arrowsRow);
  text(arrowsRow, 86, 5, "help flows this way", { "font-size": 15 });
  y += 34;
  const trusted = el("g", { transform: `translate(12 ${y})` }, g);
  el("circle", { r: 11, fill: "#ffd24d", stroke: "#1a1a1a", "stroke-width": 1.5 }, trusted);
  star(trusted);
  text(g, 86, y + 5, "trusted", { "font-size": 15 });
  y += 30;
  const kid = el("g", { transform: `translate(12 ${y})` }, g);
  el("circle", { r: 11, fill: "#ffffff", stroke: "#1a1a1a", "stroke-width": 2 }, kid);
  el("circle", { r: 7, fill: "none", stroke: "#1a1a1a", "stroke-width": 1 }, kid);
  text(g, 86, y + 5, "young person", { "font-size": 15 });
  y += 30;
  text(g, 0, y + 5, "Rings: closeness", { "font-size": 14, fill: "#4d5660" });
  y += 20;
  text(g, 0, y + 5, "Sectors: who they are", { "font-size": 14, fill: "#4d5660" });
  if (diff) {
    y += 34;
    text(g, 0, y, `Changes since ${diff.from}`, { "font-weight": 700, "font-size": 15 });
    y += 20;
    text(g, 0, y, `to ${diff.to}`, { "font-weight": 700, "font-size": 15 });
    for (const [kind, style] of Object.entries(DIFF_STYLES)) {
      y += 28;
      el("line", { x1: 0, y1: y - 5, x2: 70, y2: y - 5, stroke: style.colour, "stroke-width": 14, "stroke-opacity": 0.35 }, g);
      text(g, 86, y, `${style.label.split(" ")[0]} (${diff.counts[kind]})`, { "font-size": 15 });
    }
  }
}

/**
 * Draw `view` ({child, at, members, links}) into a new <svg>.
 * options: selected (member id), diff ({from, to, kinds: Map id→kind, counts}), onSelect.
 */
export function drawEcomap(view, { selected = null, diff = null, onSelect = null } = {}) {
  const svg = el("svg", {
    xmlns: NS, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "group",
    "aria-label": `Ecomap of ${view.child.name} on ${view.at}: ${view.members.length} people`,
  });
  defs(svg);
  const parts = sectors(view.members);
  background(svg, parts);
  const places = layout(view.members, parts);
  const links = el("g", { "aria-hidden": "true" }, svg);
  for (const link of view.links) {
    const a = places.get(link.between[0]), b = places.get(link.between[1]);
    if (!a || !b) continue;
    const seg = trim(a, b, NODE_R + 2, NODE_R + 2);
    el("line", { x1: seg.x1, y1: seg.y1, x2: seg.x2, y2: seg.y2, stroke: "#8a939c", "stroke-width": 1.5, "stroke-dasharray": link.ended ? "3 4" : null }, links);
  }
  const ties = el("g", { "aria-hidden": "true", class: "ties" }, svg);
  for (const m of view.members) drawTie(ties, m, places.get(m.id), diff && diff.kinds.get(m.id));
  const child = el("g", { transform: `translate(${CX} ${CY})`, "aria-hidden": "true" }, svg);
  el("circle", { r: CHILD_R, fill: "#ffffff", stroke: "#1a1a1a", "stroke-width": 3 }, child);
  el("circle", { r: CHILD_R - 6, fill: "none", stroke: "#1a1a1a", "stroke-width": 1 }, child);
  text(child, 0, 6, short(view.child.name.split(/\s+/)[0], 9), { "text-anchor": "middle", "font-weight": 700, "font-size": 17 });
  const nodes = el("g", { role: "list", "aria-label": "People in the network" }, svg);
  const ordered = [...view.members].sort((a, b) =>
    CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || ringOf(a) - ringOf(b) || a.name.localeCompare(b.name));
  for (const m of ordered) {
    const item = el("g", { role: "listitem" }, nodes);
    drawNode(item, m, places.get(m.id), { selected: selected === m.id, diffKind: diff && diff.kinds.get(m.id), onSelect });
  }
  legend(svg, diff);
  return svg;
}
