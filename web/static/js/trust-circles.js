// The young person's three circles: each name a chip packed inside its own circle (never on
// another chip, on "Me" or on a circle's name), the circles growing taller when crowded,
// and people with the same first name told apart ("Alison R."). docs/maps.md.

import { textWidth } from "./ecomap-layout.js";
import { distinctLabels, firstName, graphemes, mapLabel, short } from "./names.js";
import { placeAll } from "./pack.js";

export const CHIP_H = 44; // a tap target of 44 px
const FONT = 15.3, ME_R = 24, BORDER = 3;
// closeness → the band it is drawn in, innermost first: 3 very close, 2 sort of, 1 not very.
const ORDER = [3, 2, 1];
const NAMES = { 3: "Very close", 2: "Sort of close", 1: "Not very close" };

/** Labels for chips: first names; where two share one, their surname's initial ("Dean B."),
 * or who they are ("Alison (aunt)"); never longer than 16 characters. */
export function chipLabels(people) {
  const words = { family: "family", friend: "friend", carer: "carer", community: "community", volunteer: "helper", professional: "worker" };
  const first = distinctLabels(people, (name) => firstName(name, 11), () => null);
  const clash = people.filter((p) => first.get(p.id) !== firstName(p.name, 11));
  const out = new Map(people.map((p) => [p.id, firstName(p.name, 11)]));
  if (!clash.length) return out;
  const again = distinctLabels(clash, (name) => mapLabel(name, 14), (p) => words[p.category] || null);
  for (const p of clash) out.set(p.id, short(again.get(p.id), 16));
  return out;
}

function chipWidth(text, trusted) {
  return Math.ceil(textWidth(text, FONT, 600) + (trusted ? textWidth(" ★", FONT, 600) : 0) + 2 * 8 + 2 * 2 + 4);
}

/** Whether a box lies inside the ellipse (rx, ry) about (cx, cy), `pad` px in from its edge. */
function within(cx, cy, [rx, ry], pad, { x, y, w, h }) {
  const points = [[x, y], [x + w, y], [x, y + h], [x + w, y + h]];
  return points.every(([px, py]) => ((px - cx) / (rx - pad)) ** 2 + ((py - cy) / (ry - pad)) ** 2 <= 1);
}

/** Whether a box keeps clear of the ellipse (rx, ry) about (cx, cy), `pad` px out from its
 * edge: no side of the box crosses it (exactly), and the box does not hold its centre. */
function clear(cx, cy, [rx, ry], pad, { x, y, w, h }) {
  const a = rx + pad, b = ry + pad;
  if (x <= cx && cx <= x + w && y <= cy && cy <= y + h) return false;
  const crossesRow = (yy) => {
    const t = (yy - cy) / b;
    if (Math.abs(t) >= 1) return false;
    const half = a * Math.sqrt(1 - t * t);
    return x < cx + half && x + w > cx - half;
  };
  const crossesColumn = (xx) => {
    const t = (xx - cx) / a;
    if (Math.abs(t) >= 1) return false;
    const half = b * Math.sqrt(1 - t * t);
    return y < cy + half && y + h > cy - half;
  };
  return !(crossesRow(y) || crossesRow(y + h) || crossesColumn(x) || crossesColumn(x + w));
}

/**
 * Where the circles and chips go in a box `width` px wide: {geo, radii, height, places, labels}.
 * Each circle is an ellipse as wide as the screen allows and as tall as its names need.
 * people: [{id, name, closeness, trusted, category, role}] (those with a closeness are placed).
 */
export function layoutCircles(people, width) {
  const labels = chipLabels(people);
  const placed = people.filter((p) => ORDER.includes(p.closeness));
  const maxR = width / 2 - 1;
  const counts = Object.fromEntries(ORDER.map((c) => [c, placed.filter((p) => p.closeness === c).length]));
  const pad = BORDER + 2;
  // Each circle at least as wide as its widest name needs.
  const widest = (c) => Math.max(0, ...placed.filter((p) => p.closeness === c).map((p) => chipWidth(labels.get(p.id), p.trusted)));
  const rx = { 1: maxR };
  rx[3] = Math.min(maxR - 50, Math.max(0.44 * maxR, widest(3) / 2 + pad + 10));
  rx[2] = Math.min(maxR - 25, Math.max(0.73 * maxR, rx[3] + 24, widest(2) / 2 + pad + 10));
  // Tall enough for a row of names above and below "Me" in each circle; crowded, all grow
  // taller together (so each circle's room above and below grows with it).
  const base = { 3: Math.max(rx[3], ME_R + CHIP_H + 22 + 3 * pad + 6) };
  base[2] = Math.max(rx[2], base[3] + CHIP_H + 22 + 2 * pad + 6);
  base[1] = Math.max(rx[1], base[2] + CHIP_H + 22 + 2 * pad + 6);
  // A name too long for its circle's widest free part is shortened to fit ("Sandra Lind…").
  const room = {
    3: 2 * (rx[3] - pad) - 8,
    2: 2 * (rx[2] * Math.sqrt(1 - (base[3] / base[2]) ** 2) - pad) - 8,
    1: 2 * (rx[1] * Math.sqrt(1 - (base[2] / base[1]) ** 2) - pad) - 8,
  };
  for (const p of placed) {
    let text = labels.get(p.id);
    while (chipWidth(text, p.trusted) > room[p.closeness] && graphemes(text).length > 3) text = short(text, graphemes(text).length - 1);
    labels.set(p.id, text);
  }
  // Shortening may have made two the same: number them ("Lorraine B… 2").
  const seen = new Map();
  for (const p of placed) {
    const text = labels.get(p.id), n = (seen.get(text) || 0) + 1;
    seen.set(text, n);
    if (n > 1) labels.set(p.id, `${short(text, Math.max(4, graphemes(text).length - 2))} ${n}`);
  }
  // Each circle's band is as tall as its names need (a first guess from their area, then
  // taller for a circle that is still crowded); the circles outside it move out with it.
  const thick = { 3: base[3], 2: base[2] - base[3], 1: base[1] - base[2] };
  for (const c of ORDER) {
    const need = placed.filter((p) => p.closeness === c).reduce((sum, p) => sum + (chipWidth(labels.get(p.id), p.trusted) + 10) * (CHIP_H + 10), 0);
    thick[c] = Math.max(thick[c], (c === 3 ? ME_R + 30 : 0) + (1.6 * need) / (2 * 1.2 * rx[c]));
  }
  for (let attempt = 0; attempt < 60; attempt++) {
    const ry = { 3: thick[3] };
    ry[2] = ry[3] + thick[2];
    ry[1] = ry[2] + thick[1];
    const height = 2 * ry[1] + 2;
    const cx = width / 2, cy = ry[1] + 1;
    const radii = Object.fromEntries(ORDER.map((c) => [c, [rx[c], ry[c]]]));
    const inner = { 3: null, 2: radii[3], 1: radii[2] };
    const geo = {
      cx, cy, sx: 1, sy: 1,
      spots: (c) => {
        const out = [];
        const [irx, iry] = inner[c] || [1, 1];
        for (let dy = 0; dy <= ry[c]; dy += 7) {
          for (let dx = 0; dx <= rx[c]; dx += 7) {
            if ((dx / rx[c]) ** 2 + (dy / ry[c]) ** 2 > 1) break;
            if (inner[c] && (dx / irx) ** 2 + (dy / iry) ** 2 < 1) continue;
            out.push([cx + dx, cy + dy], [cx - dx, cy + dy], [cx + dx, cy - dy], [cx - dx, cy - dy]);
          }
        }
        return out;
      },
      contains: (box, c) => within(cx, cy, radii[c], pad, box) && (!inner[c] || clear(cx, cy, inner[c], pad, box)),
    };
    const obstacles = [{ x: cx, y: cy, r: ME_R + 2 }];
    const ringNames = ORDER.map((c) => {
      const w = textWidth(NAMES[c], FONT, 700) + 6;
      return { closeness: c, x: cx - w / 2, y: cy - ry[c] + BORDER + 2, w, h: 22 };
    });
    obstacles.push(...ringNames);
    const items = [];
    for (const c of ORDER) {
      const group = placed.filter((p) => p.closeness === c).sort((a, b) => a.id.localeCompare(b.id));
      group.forEach((p, i) => {
        const a = -Math.PI / 2 + (2 * Math.PI * (i + 0.5)) / group.length + (c === 2 ? 0.35 : 0);
        const [irx, iry] = inner[c] || [ME_R, ME_R];
        const k = 0.5;
        items.push({
          id: p.id, band: c, a0: 0, a1: 2 * Math.PI,
          pref: [cx + (irx + (rx[c] - irx) * k) * Math.cos(a), cy + (iry + (ry[c] - iry) * k) * Math.sin(a)],
          body: { w: chipWidth(labels.get(p.id), p.trusted), h: CHIP_H }, label: null,
        });
      });
    }
    const { places, failed } = placeAll({ geo, bounds: { x0: 0, y0: 0, x1: width, y1: height }, bands: radii, items, obstacles });
    // Anyone still without room after that stays in the tray below, never on top of someone.
    if (!failed || attempt === 59) return { geo, radii, height, places, labels, ringNames, counts };
    thick[failed] *= 1.15;
  }
  return null;
}

/** Which circle a point (px, relative to the circles box) is in, or null. */
export function closenessAtPoint(lay, x, y) {
  const { cx, cy } = lay.geo;
  for (const c of ORDER) {
    const [rx, ry] = lay.radii[c];
    if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) return c;
  }
  return null;
}

/**
 * Draw the circles and their chips into `box` (its width is the layout's); `chip(p, style)`
 * makes each person's button. Returns the layout.
 */
export function drawCircles(box, people, chip) {
  const width = Math.floor(box.clientWidth || 336);
  const lay = layoutCircles(people, width);
  const { geo, radii, height } = lay;
  box.style.height = `${Math.ceil(height)}px`;
  const rings = ORDER.slice().reverse().map((c) => {
    const ring = box.querySelector(`.ring[data-closeness="${c}"]`);
    const [rx, ry] = radii[c];
    ring.style.inset = "auto"; // before left and top, which it would otherwise reset
    Object.assign(ring.style, { left: `${geo.cx - rx}px`, top: `${geo.cy - ry}px`, width: `${2 * rx}px`, height: `${2 * ry}px` });
    return ring;
  });
  box.querySelectorAll(".chip").forEach((c) => c.remove());
  for (const p of people) {
    const place = lay.places.get(p.id);
    if (!place) continue;
    const b = place.body;
    const node = chip(p, `left:${b.x}px;top:${b.y}px;width:${b.w}px;height:${b.h}px`, lay.labels.get(p.id));
    node.dataset.closeness = String(p.closeness);
    box.append(node);
  }
  box.ringLayout = lay;
  return { lay, rings };
}

