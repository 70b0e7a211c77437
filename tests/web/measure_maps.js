// Measuring drawn maps in the browser, for the layout tests (tests/web/map_boxes.py puts
// these on window through the driver): the boxes of every person's circle, every name and
// every fixed label, and the overlaps between them.

// For the svg.ecomap elements under root: circles on circles, names on circles, names on
// names, the smallest circle (px) and the smallest name (px font size).
window.measureMaps = (root) => {
  const out = { maps: 0, circles: 0, labels: 0, circleOverlaps: 0, labelOnCircle: 0, labelOnLabel: 0,
                smallestCircle: Infinity, smallestFont: Infinity, bad: [] };
  const T = 0.5; // px of tolerance for rounding
  for (const svg of root.querySelectorAll("svg.ecomap")) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const circles = [...svg.querySelectorAll("circle.node, circle.child-node")].map((c) => {
      const r = c.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2, r: r.width / 2 };
    });
    const texts = [...svg.querySelectorAll(".member-label, .sector-label, .ring-label, .legend-label, .map-title")];
    const labels = texts.map((t) => t.getBoundingClientRect());
    let co = 0, lc = 0, ll = 0;
    for (let i = 0; i < circles.length; i++) for (let j = i + 1; j < circles.length; j++) {
      const a = circles[i], b = circles[j];
      if (Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r - T) co++;
    }
    for (const l of labels) for (const c of circles) {
      const nx = Math.max(l.left, Math.min(c.x, l.right)), ny = Math.max(l.top, Math.min(c.y, l.bottom));
      if (Math.hypot(c.x - nx, c.y - ny) < c.r - T) lc++;
    }
    for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i], b = labels[j];
      if (a.left < b.right - T && b.left < a.right - T && a.top < b.bottom - T && b.top < a.bottom - T) ll++;
    }
    for (const c of circles.slice(0, -1)) out.smallestCircle = Math.min(out.smallestCircle, 2 * c.r);
    for (const t of svg.querySelectorAll(".member-label")) out.smallestFont = Math.min(out.smallestFont, Number(t.getAttribute("font-size")) * scale);
    out.maps++; out.circles += circles.length; out.labels += labels.length;
    out.circleOverlaps += co; out.labelOnCircle += lc; out.labelOnLabel += ll;
    if (co + lc + ll && out.bad.length < 10) out.bad.push([svg.getAttribute("aria-label"), co, lc, ll]);
  }
  return out;
};

// Every map of views drawn by the editor's own module at width px, 25 at a time, measured
// and summed. The key (the same on every map, in its own column or band) is left out here
// for time; the page tests measure it on the real map.
window.drawAndMeasure = async ({ views, width }) => {
  const { drawEcomap } = await import("/static/js/ecomap-svg.js");
  const count = window.measureMaps;
  const box = document.createElement("div");
  box.style.cssText = `position:absolute;left:0;top:0;width:${width}px`;
  document.body.replaceChildren(box);
  const total = { maps: 0, circles: 0, labels: 0, circleOverlaps: 0, labelOnCircle: 0, labelOnLabel: 0, smallestCircle: Infinity, smallestFont: Infinity, bad: [] };
  for (let i = 0; i < views.length; i += 25) {
    box.replaceChildren(...views.slice(i, i + 25).map((v) => drawEcomap(v, { width, key: false })));
    const r = count(box);
    for (const k of ["maps", "circles", "labels", "circleOverlaps", "labelOnCircle", "labelOnLabel"]) total[k] += r[k];
    total.smallestCircle = Math.min(total.smallestCircle, r.smallestCircle);
    total.smallestFont = Math.min(total.smallestFont, r.smallestFont);
    total.bad.push(...r.bad.slice(0, 10 - total.bad.length));
  }
  return total;
};

// The young person's circles: chips on chips, on "Me" or on a circle's name, chips outside
// their own circle (or inside an inner one), the smallest chip height, the chips' texts.
window.measureCircles = (box) => {
  const out = { chips: 0, chipOverlaps: 0, onMe: 0, onRingName: 0, outside: 0, smallest: Infinity, labels: [] };
  const me = box.querySelector(".me").getBoundingClientRect();
  const meC = { x: me.x + me.width / 2, y: me.y + me.height / 2, r: me.width / 2 };
  const ring = (c) => { const r = box.querySelector(`.ring[data-closeness="${c}"]`).getBoundingClientRect();
    return { cx: r.x + r.width / 2, cy: r.y + r.height / 2, rx: r.width / 2, ry: r.height / 2 }; };
  const inEllipse = (e, x, y) => ((x - e.cx) / e.rx) ** 2 + ((y - e.cy) / e.ry) ** 2 <= 1;
  const names = [...box.querySelectorAll(".ring-name")].map((n) => n.getBoundingClientRect());
  const chips = [...box.querySelectorAll(".chip")].map((c) => ({ r: c.getBoundingClientRect(), c: Number(c.dataset.closeness), text: c.textContent }));
  const inner = { 3: null, 2: 3, 1: 2 };
  for (const [i, { r, c, text }] of chips.entries()) {
    out.chips++;
    out.labels.push(text);
    out.smallest = Math.min(out.smallest, r.height);
    for (const { r: o } of chips.slice(i + 1)) if (r.left < o.right - 0.5 && o.left < r.right - 0.5 && r.top < o.bottom - 0.5 && o.top < r.bottom - 0.5) out.chipOverlaps++;
    const nx = Math.max(r.left, Math.min(meC.x, r.right)), ny = Math.max(r.top, Math.min(meC.y, r.bottom));
    if (Math.hypot(meC.x - nx, meC.y - ny) < meC.r - 0.5) out.onMe++;
    for (const n of names) if (r.left < n.right && n.left < r.right && r.top < n.bottom && n.top < r.bottom) out.onRingName++;
    const corners = [[r.left, r.top], [r.right, r.top], [r.left, r.bottom], [r.right, r.bottom]];
    const own = ring(c);
    const edge = [];
    for (let k = 0; k <= 8; k++) edge.push([r.left + (r.width * k) / 8, r.top], [r.left + (r.width * k) / 8, r.bottom]);
    if (!corners.every(([x, y]) => inEllipse(own, x, y)) || (inner[c] && edge.some(([x, y]) => inEllipse(ring(inner[c]), x, y)))) out.outside++;
  }
  return out;
};

true;
