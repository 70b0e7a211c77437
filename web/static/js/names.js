// Names as people write them: split into graphemes (so "Zoë 🌈" and "👩🏽‍🦱" stay whole),
// shortened for the map, told apart when two look the same, and marked with their
// writing direction so a Hebrew or Arabic name keeps its full stop on the right side.

const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

/** The user-perceived characters of `text` (a flag, an emoji with a skin tone, "ë"). */
export function graphemes(text) {
  const s = String(text || "");
  if (segmenter) return Array.from(segmenter.segment(s), (g) => g.segment);
  return Array.from(s);
}

/** `text` cut to at most `n` graphemes, with "…" when cut. */
export function short(text, n = 16) {
  const g = graphemes(text);
  return g.length > n ? `${g.slice(0, n - 1).join("")}…` : String(text);
}

const LETTER = /\p{L}/u;
const TITLES = /^(mr|mrs|ms|mx|miss|dr|coach|nan|nana|aunt|auntie|uncle)\.?$/i;

function words(name) { return String(name || "").trim().split(/\s+/).filter(Boolean); }

/** Up to two initials from the first and last words that hold a letter ("Zoë 🌈 Ng" → "ZN"). */
export function initials(name) {
  const ws = words(name).filter((w) => LETTER.test(w));
  if (!ws.length) return graphemes(name)[0] || "?";
  const pick = ws.length > 1 ? [ws[0], ws[ws.length - 1]] : [ws[0]];
  return pick.map((w) => graphemes(w).find((g) => LETTER.test(g)) || graphemes(w)[0]).join("").toLocaleUpperCase();
}

/** The first name ("Priya" of "Priya Shah"), or the whole name after a title ("Dr Ahmed"). */
export function firstName(name, n = 12) {
  const ws = words(name);
  if (!ws.length) return "";
  if (ws.length > 1 && TITLES.test(ws[0])) return short(`${ws[0]} ${ws[1]}`, n);
  return short(ws[0], n);
}

/** The name written on the map: first name and the initial of the last word ("Esme L."). */
export function mapLabel(name, n = 14) {
  const ws = words(name).filter((w) => LETTER.test(w));
  if (ws.length < 2 || TITLES.test(ws[0])) return short(words(name).join(" "), n);
  const last = graphemes(ws[ws.length - 1]).find((g) => LETTER.test(g));
  return short(`${ws[0]} ${last}.`, n);
}

/** Right-to-left when the first strong character is Hebrew, Arabic, Syriac, Thaana or N'Ko. */
export function isRtl(text) {
  const m = /[\p{L}]/u.exec(String(text || ""));
  return Boolean(m && /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u.test(m[0]));
}

/**
 * Labels for a list of people that tell same-looking ones apart: `shorten(name)` first;
 * where two share it, their role or group is added ("Alison (aunt)"), then their full name,
 * then a number. Returns Map id → label.
 */
export function distinctLabels(people, shorten = mapLabel, groupOf = (p) => p.category) {
  const out = new Map();
  const first = new Map();
  for (const p of people) {
    const s = shorten(p.name);
    first.set(s, [...(first.get(s) || []), p]);
  }
  for (const [s, group] of first) {
    if (group.length === 1) { out.set(group[0].id, s); continue; }
    const tried = new Map();
    for (const p of group) {
      const hint = p.role ? p.role.replaceAll("_", " ") : groupOf(p);
      let label = hint ? `${s} (${hint})` : s;
      if (group.some((q) => q !== p && (q.role ? q.role.replaceAll("_", " ") : groupOf(q)) === hint)) {
        label = short(p.name, 18);
      }
      const seen = (tried.get(label) || 0) + 1;
      tried.set(label, seen);
      out.set(p.id, seen > 1 ? `${label} ${seen}` : label);
    }
  }
  return out;
}
