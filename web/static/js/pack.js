// A deterministic packing of people into the bands (rings) and sectors of an ecomap, or of
// names into the young person's circles: each item goes to the free spot nearest its
// preferred one, with its name beside it, so that no circle, name or fixed label covers
// another. Rings are ellipses with radii (sx·ρ, sy·ρ) (sx = sy = 1: circles), so a crowded
// map can grow downwards when the screen's width is used up.

const GAP = 3; // the least space between any two shapes, in px

/** A grid of shapes for fast overlap tests. Shapes: {x, y, r} circles, {x, y, w, h} boxes. */
class Board {
  constructor(cell = 64) { this.cell = cell; this.cells = new Map(); }

  /** Calls f(key) for each grid cell the shape touches; stops early when f returns true. */
  each(s, f) {
    const [x0, y0, x1, y1] = extent(s);
    const c = this.cell;
    for (let i = Math.floor(x0 / c), i1 = Math.floor(x1 / c); i <= i1; i++) {
      for (let j = Math.floor(y0 / c), j1 = Math.floor(y1 / c); j <= j1; j++) if (f(i * 65536 + j)) return true;
    }
    return false;
  }

  add(s) {
    this.each(s, (k) => {
      const list = this.cells.get(k);
      if (list) list.push(s); else this.cells.set(k, [s]);
      return false;
    });
  }

  remove(s) {
    this.each(s, (k) => { const list = this.cells.get(k); list.splice(list.lastIndexOf(s), 1); return false; });
  }

  free(s) {
    const grown = grow(s, GAP);
    return !this.each(grown, (k) => {
      const list = this.cells.get(k);
      if (!list) return false;
      for (const other of list) if (overlaps(grown, other)) return true;
      return false;
    });
  }
}

function extent(s) {
  return s.r !== undefined ? [s.x - s.r, s.y - s.r, s.x + s.r, s.y + s.r] : [s.x, s.y, s.x + s.w, s.y + s.h];
}

function grow(s, d) {
  return s.r !== undefined ? { x: s.x, y: s.y, r: s.r + d } : { x: s.x - d, y: s.y - d, w: s.w + 2 * d, h: s.h + 2 * d };
}

/** Whether two shapes (circles or boxes) overlap. */
export function overlaps(a, b) {
  if (a.r !== undefined && b.r !== undefined) return Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r;
  if (a.r === undefined && b.r === undefined) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }
  const c = a.r !== undefined ? a : b, r = a.r !== undefined ? b : a;
  const nx = Math.max(r.x, Math.min(c.x, r.x + r.w)), ny = Math.max(r.y, Math.min(c.y, r.y + r.h));
  return Math.hypot(c.x - nx, c.y - ny) < c.r;
}

/** The elliptical radius of (x, y) about the centre: the ring it lies on. */
export function ringRadius(geo, x, y) { return Math.hypot((x - geo.cx) / geo.sx, (y - geo.cy) / geo.sy); }

const ROUND = Array.from({ length: 16 }, (_, i) => [Math.cos((i * Math.PI) / 8), Math.sin((i * Math.PI) / 8)]);

/** Whether a shape lies wholly within the ring band [lo, hi] (tested on its outline). */
export function inBand(geo, body, [lo, hi]) {
  let points;
  if (body.r !== undefined) points = ROUND.map(([c, s]) => [body.x + body.r * c, body.y + body.r * s]);
  else {
    const { x, y, w, h } = body;
    points = [[x, y], [x + w, y], [x, y + h], [x + w, y + h], [x + w / 2, y], [x + w / 2, y + h], [x, y + h / 2], [x + w, y + h / 2],
      [x + w / 4, y], [x + 3 * w / 4, y], [x + w / 4, y + h], [x + 3 * w / 4, y + h]];
  }
  return points.every(([px, py]) => { const rho = ringRadius(geo, px, py); return rho >= lo && rho <= hi; });
}

/** The least distance from (x, y) to the ray from the centre at angle a (in ring space). */
function rayDistance(geo, x, y, a) {
  const dx = geo.sx * Math.cos(a), dy = geo.sy * Math.sin(a), len = Math.hypot(dx, dy);
  const ux = dx / len, uy = dy / len, px = x - geo.cx, py = y - geo.cy;
  const t = px * ux + py * uy;
  return t <= 0 ? Math.hypot(px, py) : Math.abs(px * uy - py * ux);
}

function inside(bounds, s) {
  const [x0, y0, x1, y1] = extent(s);
  return x0 >= bounds.x0 && y0 >= bounds.y0 && x1 <= bounds.x1 && y1 <= bounds.y1;
}

/** Spots to try within a band and an angle range, about 6 px apart, keeping a circle of
 * radius `size` clear of the sector's edges. */
function spots(geo, [lo, hi], a0, a1, size) {
  const out = [];
  const full = a1 - a0 >= 2 * Math.PI - 1e-9;
  const k = Math.min(geo.sx, geo.sy);
  for (let rho = lo + size / Math.max(geo.sx, geo.sy); rho <= hi; rho += 6 / k) {
    const step = Math.max(0.01, 6 / (rho * Math.max(geo.sx, geo.sy)));
    for (let a = a0; a <= a1 + 1e-9; a += step) {
      if (full && a >= a0 + 2 * Math.PI - step / 2) break;
      const x = geo.cx + geo.sx * rho * Math.cos(a), y = geo.cy + geo.sy * rho * Math.sin(a);
      if (!full && size && (rayDistance(geo, x, y, a0) < size + 2 || rayDistance(geo, x, y, a1) < size + 2)) continue;
      out.push([x, y]);
    }
  }
  return out;
}

/** Where a name may go around a circle of radius r at (x, y), most outward first. */
function labelSpots(geo, x, y, r, w, h) {
  const below = { side: "below", x: x - w / 2, y: y + r + 2, w, h };
  const above = { side: "above", x: x - w / 2, y: y - r - 2 - h, w, h };
  const right = { side: "right", x: x + r + 4, y: y - h / 2, w, h };
  const left = { side: "left", x: x - r - 4 - w, y: y - h / 2, w, h };
  const dx = (x - geo.cx) / geo.sx, dy = (y - geo.cy) / geo.sy, len = Math.hypot(dx, dy) || 1;
  const c = dx / len, s = dy / len;
  const vertical = s >= 0 ? [below, above] : [above, below];
  const sides = c >= 0 ? [right, left] : [left, right];
  return Math.abs(c) > 0.75 ? [sides[0], ...vertical, sides[1]] : [vertical[0], ...sides, vertical[1]];
}

/**
 * Place `items` on a board that already holds `obstacles` (shapes nothing may cover).
 * geo: {cx, cy, sx, sy}, or with its own spots(band) → [[x, y]] and contains(shape, band);
 * bounds: {x0, y0, x1, y1}; bands: {key: [lo, hi]}.
 * item: {id, band, a0, a1, pref: [x, y], body: {r} | {w, h}, label: null | {w, h}}.
 * Returns {places: Map id → {x, y, label}, failed: band key of the first item with no room, or null}.
 */
export function placeAll({ geo, bounds, bands, items, obstacles = [] }) {
  const board = new Board();
  let item = null, band = null;
  function tryAt(x, y) {
    const body = item.body.r !== undefined ? { x, y, r: item.body.r } : { x: x - item.body.w / 2, y: y - item.body.h / 2, w: item.body.w, h: item.body.h };
    if (!inside(bounds, body) || !(geo.contains ? geo.contains(body, item.band) : inBand(geo, body, band)) || !board.free(body)) return null;
    if (!item.label) return { x, y, body, label: null };
    board.add(body);
    const label = labelSpots(geo, x, y, item.body.r ?? item.body.h / 2, item.label.w, item.label.h)
      .find((l) => inside(bounds, l) && board.free(l));
    board.remove(body);
    return label ? { x, y, body, label } : null;
  }
  obstacles.forEach((s) => board.add(s));
  const places = new Map();
  const cache = new Map();
  for (item of items) {
    band = bands[item.band];
    const size = item.body.r !== undefined ? item.body.r : 0;
    const key = `${item.band}|${item.a0}|${item.a1}|${size}`;
    if (!cache.has(key)) cache.set(key, geo.spots ? geo.spots(item.band) : spots(geo, band, item.a0, item.a1, size));
    const [px, py] = item.pref;
    const all = cache.get(key);
    const d2 = new Float64Array(all.length);
    for (let i = 0; i < all.length; i++) d2[i] = (all[i][0] - px) ** 2 + (all[i][1] - py) ** 2;
    let placed = null;
    // Nearest spots first, in rings of distance (most people fit near their preferred spot).
    let done = 0;
    for (const reach of [24, 60, 140, Infinity]) {
      const near = [];
      const r2 = reach * reach;
      for (let i = 0; i < all.length; i++) if (d2[i] < r2 && d2[i] >= done) near.push(i);
      near.sort((a, b) => d2[a] - d2[b]);
      for (const i of near) {
        const [x, y] = all[i];
        placed = tryAt(x, y);
        if (placed) break;
      }
      if (placed) break;
      done = r2;
    }
    if (!placed) return { places, failed: item.band };
    board.add(placed.body);
    if (placed.label) board.add(placed.label);
    places.set(item.id, placed);
  }
  return { places, failed: null };
}
