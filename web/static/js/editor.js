// The ecomap editor: loads a child's map for a date, draws it, compares two dates,
// and saves people, ties, observations and ended ties through the API.

import { api, describe, signOut, today } from "./api.js";
import { anchorOf, isDate, stepMonth } from "./dates.js";
import { drawEcomap } from "./ecomap-svg.js";
import { h } from "./dom.js";
import { changesPanel, listView, measuresPanel, memberPanel } from "./editor-panel.js";
import { downloadPng, downloadSvg } from "./export.js";
import { openEndTie, openObservation, openPerson, openTie } from "./editor-forms.js";
import { mountHistory } from "./editor-history.js";
import { SaveQueue } from "./pending.js";
import { mountMeetings } from "./editor-meetings.js";

const childId = document.body.dataset.child;
const base = `/api/children/${encodeURIComponent(childId)}`;
const $ = (id) => document.getElementById(id);

const state = {
  at: today(), anchor: null, perspective: "combined", view: null, doc: null, etag: null,
  selected: null, compare: null, linkFrom: null, linking: false, withChild: false, list: false,
};
const emptyPanel = [...$("selected").childNodes].map((n) => n.cloneNode(true));
const LIST_FROM = 30; // more people than this: the list view is offered too

function status(message) { $("status").textContent = message; }

const queue = new SaveQueue(childId, { version: () => state.etag, onChange: showQueue });
queue.afterEach = () => loadDocument();

function showQueue(q) {
  const box = $("conflict");
  box.hidden = !q.pending.length || !q.problem;
  $("conflict-why").textContent = q.problem || "";
  $("conflict-list").replaceChildren(...q.pending.map((e) => h("li", {}, e.summary)));
  if (!box.hidden) box.focus();
}

async function loadDocument() {
  const { data, etag } = await api(`${base}/document`);
  state.doc = data;
  state.etag = etag;
}

/** Ties to the child that ended in the year before the map's date, drawn cut. */
function recentlyEnded() {
  if (state.withChild || !$("show-ended").checked || !state.doc) return [];
  const at = state.view.at;
  const yearBefore = new Date(`${at}T12:00:00Z`);
  yearBefore.setUTCFullYear(yearBefore.getUTCFullYear() - 1);
  const from = yearBefore.toISOString().slice(0, 10);
  const childId = state.doc.child.id;
  const present = new Set(state.view.members.map((m) => m.id));
  const people = new Map(state.doc.people.map((p) => [p.id, p]));
  const out = [];
  for (const t of state.doc.ties) {
    if (!t.ended || t.ended > at || t.ended <= from || !t.between.includes(childId)) continue;
    const other = t.between[0] === childId ? t.between[1] : t.between[0];
    if (present.has(other) || !people.has(other) || out.some((m) => m.id === other)) continue;
    out.push({ ...people.get(other), tie: t.id, started: t.started, ended: t.ended, end_reason: t.end_reason,
      line: "ended", arrows: null, strength: null, components: null, trusted: false, ring: 4 });
  }
  return out;
}

function membersForDrawing() {
  if (!state.compare || state.withChild) return [...state.view.members, ...recentlyEnded()];
  const lost = state.compare.diff.lost.map((m) => ({ ...m, ended: m.ended || state.compare.diff.to }));
  return [...state.view.members, ...lost];
}

/** Everyone who has ever had a tie to the child: their places on the map stay put. */
function universe() {
  if (!state.doc) return state.view.members;
  const childId = state.doc.child.id;
  const tied = new Set(state.doc.ties.filter((t) => t.between.includes(childId)).flatMap((t) => t.between));
  return state.doc.people.filter((p) => tied.has(p.id));
}

function diffForDrawing() {
  if (!state.compare || state.withChild) return null;
  const d = state.compare.diff;
  const kinds = new Map();
  d.gained.forEach((m) => kinds.set(m.id, "gained"));
  d.lost.forEach((m) => kinds.set(m.id, "lost"));
  d.changed.forEach((m) => kinds.set(m.id, "changed"));
  return { from: d.from, to: d.to, kinds, counts: { gained: d.gained.length, lost: d.lost.length, changed: d.changed.length } };
}

function mapDate() { return state.compare ? state.compare.diff.to : state.at; }

/** The drawing's heading for downloads and prints: whose map, on which date. */
function mapTitle() {
  const name = state.view.child.name;
  return state.compare && !state.withChild
    ? `${name}'s ecomap on ${state.compare.diff.to}, compared with ${state.compare.diff.from}`
    : `${name}'s ecomap on ${state.view.at}`;
}

function drawing(width, extra = {}) {
  const view = { ...state.view, members: membersForDrawing() };
  return drawEcomap(view, {
    selected: state.selected, diff: diffForDrawing(), onSelect: state.withChild ? null : select,
    width, universe: universe(), plain: state.withChild, ...extra,
  });
}

function canvasWidth() { return Math.max(320, Math.floor($("map-canvas").clientWidth || 900)); }

function render() {
  const members = membersForDrawing();
  if (state.selected && !members.some((m) => m.id === state.selected)) state.selected = null;
  const focused = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.id;
  const many = state.view.members.length > LIST_FROM;
  $("list-toggle").hidden = !many || state.withChild;
  const list = many && state.list && !state.withChild;
  $("list-toggle").setAttribute("aria-pressed", String(list));
  $("list-toggle").textContent = list ? "Show the map" : "Show as a list";
  $("map-canvas").hidden = list;
  $("list-view").hidden = !list;
  if (list) $("list-view").replaceChildren(...listView(members, state.selected, select));
  else {
    const svg = drawing(canvasWidth());
    $("map-canvas").replaceChildren(svg);
    if (focused) svg.querySelector(`[data-id="${CSS.escape(focused)}"]`)?.focus();
  }
  const name = state.view.child.name;
  document.title = `${name}'s ecomap – ecomap`;
  $("title").textContent = `${name}'s ecomap`;
  $("print-title").textContent = mapTitle();
  $("print-date").textContent = `Printed on ${today()}`;
  $("at").value = mapDate();
  $("map-caption").textContent = state.compare && !state.withChild
    ? `${name}'s network on ${state.compare.diff.to}, compared with ${state.compare.diff.from}.`
    : `${name}'s network on ${state.view.at}: ${state.view.members.length} people${
      members.length > state.view.members.length ? `, and ${members.length - state.view.members.length} ties ended in the year before (cut lines)` : ""}.`;
  const chosen = members.find((m) => m.id === state.selected);
  if (chosen) {
    $("selected").replaceChildren(...memberPanel(chosen, actions));
    $("selected").classList.remove("empty");
  } else {
    $("selected").replaceChildren(...emptyPanel.map((n) => n.cloneNode(true)));
    $("selected").classList.add("empty");
  }
  $("changes").hidden = !state.compare || state.withChild;
  if (state.compare) {
    const names = new Map((state.doc?.people || []).map((p) => [p.id, p.name]));
    $("changes-body").replaceChildren(...changesPanel(state.compare.diff, names).flat());
  }
}

async function load() {
  const at = mapDate();
  status("Loading…");
  try {
    const q = `at=${at}&perspective=${state.perspective}`;
    const [view, measures] = await Promise.all([
      api(`${base}/ecomap?${q}`), api(`${base}/measures?${q}`), state.doc ? null : loadDocument(),
    ]);
    state.view = view.data;
    render();
    $("measures-body").replaceChildren(...measuresPanel(measures.data));
    status(state.compare ? "Showing the changes." : `Showing the map on ${at}.`);
  } catch (e) {
    if (e.status === 401) { location.assign(`/?next=${encodeURIComponent(location.pathname)}`); return; }
    status(`Could not load the map: ${describe(e)}`);
  }
}

function select(member) {
  if (state.linking) { pickForTie(member.id); return; }
  state.selected = member.id;
  render();
}

function pickForTie(id) {
  if (!state.linkFrom) {
    state.linkFrom = id;
    status("Now choose the second person (or press Draw a tie again to use the form).");
    return;
  }
  const [a, b] = [state.linkFrom, id];
  stopLinking();
  if (a !== b) openTie(context(), { a, b });
}

function stopLinking() {
  state.linking = false;
  state.linkFrom = null;
  $("draw-tie").setAttribute("aria-pressed", "false");
}

function context() {
  return {
    childId, base, doc: state.doc, at: state.compare ? state.compare.diff.to : state.at,
    save: async (edit) => {
      status("Saving…");
      const ok = await queue.submit(edit);
      if (ok) { await load(); status(`Saved: ${edit.summary}.`); }
      return ok;
    },
  };
}

const actions = {
  observe: (m) => openObservation(context(), m),
  editPerson: (m) => openPerson(context(), m),
  endTie: (m) => openEndTie(context(), m),
};

// The date, the compare dates, "with the child" and the list view live in the URL, so
// Back, Forward and reload return to them.
function toUrl(push = true) {
  const q = new URLSearchParams();
  q.set("at", state.at);
  if (state.compare) { q.set("from", state.compare.diff.from); q.set("to", state.compare.diff.to); }
  if (state.withChild) q.set("with", "child");
  if (state.list) q.set("view", "list");
  if (state.perspective !== "combined") q.set("perspective", state.perspective);
  const url = `${location.pathname}?${q}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

async function fromUrl() {
  const q = new URLSearchParams(location.search);
  state.at = isDate(q.get("at")) ? q.get("at") : today();
  if (state.anchor === null) state.anchor = anchorOf(state.at);
  state.perspective = ["combined", "child", "worker"].includes(q.get("perspective")) ? q.get("perspective") : "combined";
  $("perspective").value = state.perspective;
  setWithChild(q.get("with") === "child");
  state.list = q.get("view") === "list";
  const from = q.get("from"), to = q.get("to");
  state.compare = null;
  $("compare-off").hidden = true;
  if (isDate(from) && isDate(to)) {
    $("compare-from").value = from;
    $("compare-to").value = to;
    await runCompare(from, to);
  } else await load();
}

function setDate(at, { keepAnchor = false } = {}) {
  if (!isDate(at)) return;
  state.at = at;
  if (!keepAnchor) state.anchor = anchorOf(at);
  $("at").value = at;
  state.compare = null;
  $("compare-off").hidden = true;
  toUrl();
  load();
}

function shiftMonth(delta) {
  const from = mapDate();
  if (state.anchor === null) state.anchor = anchorOf(from);
  setDate(stepMonth(from, delta, state.anchor), { keepAnchor: true });
}

async function runCompare(from, to) {
  status("Comparing…");
  try {
    const { data } = await api(`${base}/diff?from=${from}&to=${to}&perspective=${state.perspective}`);
    state.compare = { diff: data };
    $("compare-off").hidden = false;
    await load();
  } catch (e) { status(`Could not compare: ${describe(e)}`); }
}

async function compare(event) {
  event.preventDefault();
  const from = $("compare-from").value, to = $("compare-to").value;
  if (!isDate(from) || !isDate(to)) return;
  state.compare = { diff: { from, to } };
  toUrl();
  await runCompare(from, to);
}

function setWithChild(on) {
  state.withChild = on;
  document.body.classList.toggle("with-child", on);
  $("with-child").setAttribute("aria-pressed", String(on));
  if (on) { state.selected = null; stopLinking(); }
}

async function makeLink() {
  try {
    const { data } = await api(`${base}/links`, { method: "POST", body: {} });
    const box = $("link-dialog");
    $("link-url").value = new URL(data.url, location.origin).href;
    $("link-expires").textContent = new Date(data.expires).toLocaleDateString();
    $("link-copy").onclick = async () => {
      try { await navigator.clipboard.writeText($("link-url").value); status("Link copied."); } catch {
        $("link-url").select(); status("Select the link and copy it.");
      }
    };
    box.querySelector("[data-close]").onclick = () => box.close();
    box.showModal();
    $("link-url").select();
  } catch (e) { status(`Could not make a link: ${describe(e)}`); }
}

function wire() {
  $("sign-out").addEventListener("click", signOut);
  $("at").addEventListener("change", (e) => setDate(e.target.value));
  $("date-form").addEventListener("submit", (e) => e.preventDefault());
  $("prev-month").addEventListener("click", () => shiftMonth(-1));
  $("next-month").addEventListener("click", () => shiftMonth(1));
  $("today").addEventListener("click", () => setDate(today()));
  $("perspective").addEventListener("change", (e) => { state.perspective = e.target.value; toUrl(false); load(); });
  $("with-child").addEventListener("click", () => { setWithChild(!state.withChild); toUrl(); render(); });
  $("list-toggle").addEventListener("click", () => { state.list = !state.list; toUrl(); render(); });
  $("menu-button").addEventListener("click", () => {
    const open = $("menu-button").getAttribute("aria-expanded") !== "true";
    $("menu-button").setAttribute("aria-expanded", String(open));
    $("more-tools").classList.toggle("open", open);
  });
  window.addEventListener("popstate", () => { fromUrl(); });
  let resizing = null, lastWidth = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => { if (state.view && canvasWidth() !== lastWidth) { lastWidth = canvasWidth(); render(); } }, 150);
  });
  window.addEventListener("beforeprint", () => { $("print-date").textContent = `Printed on ${today()}`; });
  $("show-ended").addEventListener("change", () => render());
  $("compare-from").value = stepMonth(today(), -12);
  $("compare-to").value = today();
  $("compare-form").addEventListener("submit", compare);
  $("compare-off").addEventListener("click", () => setDate(mapDate()));
  $("add-person").addEventListener("click", () => openPerson(context(), null));
  $("draw-tie").addEventListener("click", () => {
    if (state.linking) { stopLinking(); openTie(context(), {}); status(""); return; }
    state.linking = true;
    $("draw-tie").setAttribute("aria-pressed", "true");
    status("Choose the first person on the map, or press Draw a tie again to use the form.");
  });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && state.linking) { stopLinking(); status("Stopped drawing."); } });
  $("print").addEventListener("click", () => { $("print-date").textContent = `Printed on ${today()}`; window.print(); });
  $("make-link").addEventListener("click", makeLink);
  // Downloads are titled and named with the child's name and the map's date, and marked.
  const fileName = () => `ecomap-${state.view.child.name.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "")}-${
    state.compare && !state.withChild ? `${state.compare.diff.from}-to-${state.compare.diff.to}` : state.view.at}`;
  const forFile = () => drawing(1000, { title: `OFFICIAL-SENSITIVE · ${mapTitle()} · downloaded ${today()}`, onSelect: null });
  $("download-svg").addEventListener("click", () => downloadSvg(forFile(), fileName()));
  $("download-png").addEventListener("click", () => downloadPng(forFile(), fileName()));
  $("conflict-retry").addEventListener("click", async () => {
    await loadDocument();
    status("Saving on the latest version…");
    if (await queue.flush()) { await load(); status("Saved your changes."); }
  });
  $("conflict-discard").addEventListener("click", () => { queue.discard(); status("Your unsaved changes were discarded."); load(); });
}

wire();
const historyPanel = mountHistory($("history"), {
  base, at: () => state.at, perspective: () => state.perspective, etag: () => state.etag, status,
  reload: async () => { await loadDocument(); await load(); },
});
const afterSave = queue.afterEach;
queue.afterEach = async () => { await afterSave(); await historyPanel.refreshIfOpen(); };
mountMeetings({ childId }); // the Meetings view (editor-meetings.js); it says when it wrote:
document.addEventListener("ecomap:changed", async () => { await loadDocument(); await load(); await historyPanel.refreshIfOpen(); });
fromUrl().then(() => { if (queue.pending.length) { queue.problem = "These changes from an earlier visit were not saved yet."; showQueue(queue); } });
