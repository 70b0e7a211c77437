// Where everything on a child's ecomap goes, in CSS pixels for the width it is shown at:
// sectors by who people are (sized by everyone the child has ever had, so they do not jump
// when the date changes), rings by closeness (wider, and then taller, when crowded), each
// person packed collision-free with their name beside them (pack.js), and the sector and
// ring labels kept clear. Nothing here draws; ecomap-svg.js draws what this returns.
// The rules are docs/maps.md's.

import { CATEGORIES, CATEGORY_LABELS, RING_LABELS } from "./ecomap-style.js";
import { distinctLabels } from "./names.js";
import { placeAll } from "./pack.js";

export const NODE_R = 23; // a 46-px circle: a tap target of at least 44 px at scale 1
export const CHILD_R = 34;
export const FONT = 15; // names, in px at scale 1 (at least 14 px on screen)
export const LEGEND_W = 250;
const LABEL_H = Math.round(FONT * 1.35);
const SECTOR_FONT = 16, RING_FONT = 13;

export function ringOf(member) {
  const r = Number(member.ring);
  return r >= 1 && r <= 4 ? r : 4;
}

/** The sectors: one per category in a fixed order, each as wide as its share of `people`
 * (with a floor, so an empty sector keeps room for its name). */
export function sectors(people) {
  const weights = CATEGORIES.map((c) => people.filter((m) => m.category === c).length + 1.5);
  const total = weights.reduce((a, b) => a + b, 0);
  let start = -Math.PI / 2;
  return CATEGORIES.map((category, i) => {
    const size = (2 * Math.PI * weights[i]) / total;
    const sector = { category, start, size };
    start += size;
    return sector;
  });
}

let canvas = null;
const widths = new Map();
/** The width of `text` in px in the map's font (measured by the browser, remembered). */
export function textWidth(text, size = FONT, weight = 600) {
  if (typeof document === "undefined") return text.length * size * 0.6;
  const key = `${weight} ${size}|${text}`;
  if (widths.has(key)) return widths.get(key);
  canvas = canvas || document.createElement("canvas").getContext("2d");
  const font = `${weight} ${size}px system-ui, sans-serif`;
  if (canvas.font !== font) canvas.font = font;
  const w = canvas.measureText(text).width;
  if (widths.size > 5000) widths.clear();
  widths.set(key, w);
  return w;
}

/** The first guess at each ring's band: room for its people at about 4,200 px² each. */
function firstBands(counts, inner) {
  const bands = {};
  let lo = inner;
  for (const ring of [1, 2, 3, 4]) {
    const n = counts[ring];
    let hi = lo + (n ? 2 * NODE_R + LABEL_H + 10 : 26);
    const area = (r1) => Math.PI * (r1 * r1 - lo * lo) * 0.5;
    while (n && area(hi) < n * 4200) hi += 6;
    if (!n && ring === 4) hi = lo;
    bands[ring] = [lo, hi];
    lo = hi + 6;
  }
  return bands;
}

function widen(bands, ring, by) {
  const out = {};
  for (const r of [1, 2, 3, 4]) {
    const [lo, hi] = bands[r];
    if (r < ring) out[r] = [lo, hi];
    else if (r === ring) out[r] = [lo, hi + by];
    else out[r] = [lo + by, hi + by];
  }
  return out;
}

function outerOf(bands) { return Math.max(bands[3][1], bands[4][1]); }

/**
 * The layout of `members` (the people drawn) for a drawing `width` px wide.
 * universe: everyone who has been in the child's network (sectors and each person's
 * preferred angle come from it, so people keep their places across dates).
 * legend: "right" or "below" (where the key goes; the map takes the rest).
 * Returns {width, height, mapW, geo: {cx, cy, sy}, bands, sectors, places, labels,
 * sectorLabels, ringLabels, legendAt: {x, y}}.
 */
export function layoutEcomap(members, { width = 1000, universe = members, legend = width >= 900 ? "right" : "below", minHeight = 0 } = {}) {
  const everyone = [...new Map([...universe, ...members].map((p) => [p.id, p])).values()];
  const parts = sectors(everyone);
  const mapW = Math.max(300, legend === "right" ? width - LEGEND_W : width);
  const maxR = mapW / 2 - 10;
  const labels = distinctLabels(members);
  const counts = { 1: 0, 2: 0, 3: 0, 4: 0 };
  members.forEach((m) => { counts[ringOf(m)] += 1; });
  // Each person's preferred angle: their place among everyone ever in their sector.
  const slot = new Map();
  for (const { category, start, size } of parts) {
    const group = everyone.filter((p) => p.category === category).sort((a, b) => a.id.localeCompare(b.id));
    group.forEach((p, i) => slot.set(p.id, start + (size * (i + 0.5)) / group.length));
  }
  const sectorOf = new Map(parts.map((s) => [s.category, s]));
  const ordered = [...members].sort((a, b) => ringOf(a) - ringOf(b) || (slot.get(a.id) - slot.get(b.id)) || a.id.localeCompare(b.id));

  // Rings are ellipses: as wide as the screen allows (sx ≤ 1), as tall as the people need.
  let bands = firstBands(counts, CHILD_R + 14);
  for (let attempt = 0; attempt < 60; attempt++) {
    const result = attemptLayout();
    if (!result.failed) return result.layout;
    bands = widen(bands, result.failed, 14);
  }
  return attemptLayout().layout;

  function attemptLayout() {
    const outer = outerOf(bands);
    const sx = Math.min(1, maxR / outer), sy = 1;
    const top = 14 + SECTOR_FONT * 1.4 + 10;
    const geo = { cx: mapW / 2, cy: top + sy * outer, sx, sy };
    const height = Math.max(minHeight, geo.cy + sy * outer + 10 + SECTOR_FONT * 1.4 + 14);
    const bounds = { x0: 4, y0: 4, x1: mapW - 4, y1: height - 4 };
    const obstacles = [{ x: geo.cx, y: geo.cy, r: CHILD_R + 2 }];
    const sectorLabels = parts.map(({ category, start, size }) => {
      const mid = start + size / 2;
      const text = CATEGORY_LABELS[category];
      const w = textWidth(text, SECTOR_FONT, 700) + 4, h = Math.round(SECTOR_FONT * 1.35);
      const c = Math.cos(mid), s = Math.sin(mid);
      const ax = geo.cx + sx * (outer + 8) * c, ay = geo.cy + sy * (outer + 8) * s;
      let x = c > 0.35 ? ax : c < -0.35 ? ax - w : ax - w / 2;
      const y = s > 0.35 ? ay : s < -0.35 ? ay - h : ay - h / 2;
      x = Math.max(bounds.x0, Math.min(bounds.x1 - w, x));
      return { category, text, x, y, w, h };
    });
    const ringLabels = [1, 2, 3, 4].filter((r) => r < 4 || counts[4]).map((ring) => {
      const text = RING_LABELS[ring];
      const w = textWidth(text, RING_FONT, 400) + 4, h = Math.round(RING_FONT * 1.35);
      return { ring, text, x: geo.cx - w / 2, y: geo.cy - sy * bands[ring][1] + 3, w, h };
    });
    // A sector's name never sits on a ring's name: it moves sideways, away from the middle.
    for (const l of sectorLabels) {
      for (const r of ringLabels) {
        if (l.x < r.x + r.w + 4 && r.x < l.x + l.w + 4 && l.y < r.y + r.h + 4 && r.y < l.y + l.h + 4) {
          l.x = l.x + l.w / 2 < geo.cx ? r.x - l.w - 5 : r.x + r.w + 5;
        }
      }
    }
    obstacles.push(...sectorLabels, ...ringLabels);
    const items = ordered.map((m) => {
      const sector = sectorOf.get(m.category) || parts[parts.length - 1];
      const [lo, hi] = bands[ringOf(m)];
      const angle = slot.get(m.id);
      const rho = (lo + hi) / 2;
      const text = labels.get(m.id);
      return {
        id: m.id, band: ringOf(m), a0: sector.start, a1: sector.start + sector.size,
        pref: [geo.cx + sx * rho * Math.cos(angle), geo.cy + sy * rho * Math.sin(angle)],
        body: { r: NODE_R }, label: { w: textWidth(text) + 4, h: LABEL_H }, text,
      };
    });
    const { places, failed } = placeAll({ geo, bounds, bands, items, obstacles });
    const legendAt = legend === "right" ? { x: mapW + 16, y: 30 } : { x: 16, y: height + 10 };
    return {
      failed,
      layout: {
        width: legend === "right" ? mapW + LEGEND_W : mapW, height, mapW, legend, geo, bands,
        sectors: parts, places, labels, sectorLabels, ringLabels, legendAt, outer,
      },
    };
  }
}
