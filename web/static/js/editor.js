// The ecomap editor: loads a child's map for a date, draws it, compares two dates,
// and saves people, ties, observations and ended ties through the API.

import { api, describe, signOut, today } from "./api.js";
import { drawEcomap } from "./ecomap-svg.js";
import { changesPanel, h, measuresPanel, memberPanel } from "./editor-panel.js";
import { downloadPng, downloadSvg } from "./export.js";
import { openEndTie, openObservation, openPerson, openTie } from "./editor-forms.js";
import { SaveQueue } from "./pending.js";

const childId = document.body.dataset.child;
const base = `/api/children/${encodeURIComponent(childId)}`;
const $ = (id) => document.getElementById(id);

const state = {
  at: today(), perspective: "combined", view: null, doc: null, etag: null,
  selected: null, compare: null, linkFrom: null, linking: false,
};

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
  if (!$("show-ended").checked || !state.doc) return [];
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
  if (!state.compare) return [...state.view.members, ...recentlyEnded()];
  const lost = state.compare.diff.lost.map((m) => ({ ...m, ended: m.ended || state.compare.diff.to }));
  return [...state.view.members, ...lost];
}

function render() {
  const view = { ...state.view, members: membersForDrawing() };
  let diff = null;
  if (state.compare) {
    const d = state.compare.diff;
    const kinds = new Map();
    d.gained.forEach((m) => kinds.set(m.id, "gained"));
    d.lost.forEach((m) => kinds.set(m.id, "lost"));
    d.changed.forEach((m) => kinds.set(m.id, "changed"));
    diff = { from: d.from, to: d.to, kinds, counts: { gained: d.gained.length, lost: d.lost.length, changed: d.changed.length } };
  }
  const svg = drawEcomap(view, { selected: state.selected, diff, onSelect: select });
  const focused = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.id;
  $("map-canvas").replaceChildren(svg);
  if (focused) svg.querySelector(`[data-id="${CSS.escape(focused)}"]`)?.focus();
  const name = state.view.child.name;
  document.title = `${name}'s ecomap – ecomap`;
  $("title").textContent = `${name}'s ecomap`;
  $("map-caption").textContent = state.compare
    ? `${name}'s network on ${state.compare.diff.to}, compared with ${state.compare.diff.from}.`
    : `${name}'s network on ${state.view.at}: ${state.view.members.length} people${
      view.members.length > state.view.members.length ? `, and ${view.members.length - state.view.members.length} ties ended in the year before (cut lines)` : ""}.`;
  const chosen = view.members.find((m) => m.id === state.selected);
  if (chosen) {
    $("selected").replaceChildren(...memberPanel(chosen, actions));
    $("selected").classList.remove("empty");
  }
  $("changes").hidden = !state.compare;
  if (state.compare) {
    const names = new Map((state.doc?.people || []).map((p) => [p.id, p.name]));
    $("changes-body").replaceChildren(...changesPanel(state.compare.diff, names).flat());
  }
}

async function load() {
  const at = state.compare ? state.compare.diff.to : state.at;
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

function setDate(at) {
  if (!at) return;
  state.at = at;
  $("at").value = at;
  state.compare = null;
  $("compare-off").hidden = true;
  load();
}

function shiftMonth(delta) {
  const d = new Date(`${state.at}T12:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + delta);
  setDate(d.toISOString().slice(0, 10));
}

async function compare(event) {
  event.preventDefault();
  const from = $("compare-from").value, to = $("compare-to").value;
  if (!from || !to) return;
  status("Comparing…");
  try {
    const { data } = await api(`${base}/diff?from=${from}&to=${to}&perspective=${state.perspective}`);
    state.compare = { diff: data };
    $("compare-off").hidden = false;
    await load();
  } catch (e) { status(`Could not compare: ${describe(e)}`); }
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
  $("at").value = state.at;
  $("at").addEventListener("change", (e) => setDate(e.target.value));
  $("date-form").addEventListener("submit", (e) => e.preventDefault());
  $("prev-month").addEventListener("click", () => shiftMonth(-1));
  $("next-month").addEventListener("click", () => shiftMonth(1));
  $("today").addEventListener("click", () => setDate(today()));
  $("perspective").addEventListener("change", (e) => { state.perspective = e.target.value; load(); });
  $("show-ended").addEventListener("change", () => render());
  const yearAgo = new Date(); yearAgo.setFullYear(yearAgo.getFullYear() - 1);
  $("compare-from").value = yearAgo.toISOString().slice(0, 10);
  $("compare-to").value = state.at;
  $("compare-form").addEventListener("submit", compare);
  $("compare-off").addEventListener("click", () => setDate(state.at));
  $("add-person").addEventListener("click", () => openPerson(context(), null));
  $("draw-tie").addEventListener("click", () => {
    if (state.linking) { stopLinking(); openTie(context(), {}); status(""); return; }
    state.linking = true;
    $("draw-tie").setAttribute("aria-pressed", "true");
    status("Choose the first person on the map, or press Draw a tie again to use the form.");
  });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && state.linking) { stopLinking(); status("Stopped drawing."); } });
  $("print").addEventListener("click", () => window.print());
  $("make-link").addEventListener("click", makeLink);
  const fileName = () => `ecomap-${childId}-${state.compare ? `${state.compare.diff.from}-to-${state.compare.diff.to}` : state.at}`;
  $("download-svg").addEventListener("click", () => downloadSvg($("map-canvas").querySelector("svg"), fileName()));
  $("download-png").addEventListener("click", () => downloadPng($("map-canvas").querySelector("svg"), fileName()));
  $("conflict-retry").addEventListener("click", async () => {
    await loadDocument();
    status("Saving on the latest version…");
    if (await queue.flush()) { await load(); status("Saved your changes."); }
  });
  $("conflict-discard").addEventListener("click", () => { queue.discard(); status("Your unsaved changes were discarded."); load(); });
}

wire();
load().then(() => { if (queue.pending.length) { queue.problem = "These changes from an earlier visit were not saved yet."; showQueue(queue); } });
