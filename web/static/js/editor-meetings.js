// The editor's "Meetings" view: record a meeting by tapping people on the map (once:
// invited, twice: came, three times: cleared), how the child took part in plain words,
// the plan as short commitments (what, who, by when), progress, and a map toggle that
// highlights who holds a commitment and whether it is on track. Self-mounting: it adds
// its own toolbar buttons and panel; the editor only calls mountMeetings() and listens
// for "ecomap:changed" to reload after a write (docs/meetings.md).

import { api, describe, today } from "./api.js";
import { h } from "./dom.js";

const STATE_WORDS = { agreed: "agreed", in_progress: "happening", done: "done", not_done: "not done", dropped: "dropped" };
const ANSWER_WORDS = { yes: "yes", a_bit: "a bit", no: "no" };
const MARK_WORDS = { invited: "invited", attended: "came" };


function firstName(name) { return (name || "").split(" ")[0]; }

export function mountMeetings({ childId, mapCanvas = document.getElementById("map-canvas") } = {}) {
  const base = `/api/children/${encodeURIComponent(childId)}`;
  const s = {
    open: false, highlight: false, recording: null, etag: null, data: null, doc: null,
  };

  const css = h("link", { rel: "stylesheet", href: "/static/css/meetings.css" });
  document.head.append(css);

  const toggle = h("button", { type: "button", id: "meetings-toggle", "aria-pressed": "false", text: "Meetings" });
  const highlight = h("button", { type: "button", id: "plan-highlight", "aria-pressed": "false", text: "Who holds a commitment" });
  const actions = document.querySelector(".toolbar .actions") || document.querySelector(".toolbar") || document.body;
  actions.append(toggle, highlight);

  const status = h("p", { class: "meetings-status", role: "status", "aria-live": "polite" });
  const body = h("div", { id: "meetings-body" });
  const panel = h("section", { id: "meetings", "aria-labelledby": "meetings-title", hidden: true },
    h("h2", { id: "meetings-title", text: "Meetings" }), status, body);
  const aside = document.querySelector("aside.panel") || document.body;
  aside.prepend(panel);
  const legend = h("p", { id: "plan-legend", class: "plan-legend", hidden: true,
    text: "Ringed: holds a commitment. Green solid: on track. Orange dashed: not on track." });
  mapCanvas.after(legend);

  const say = (text) => { status.textContent = text; };
  const person = (id) => (s.doc?.people || []).find((p) => p.id === id);
  const nameOf = (id) => person(id)?.name || id;

  async function load() {
    const [{ data, etag }, doc] = await Promise.all([api(`${base}/meetings`), api(`${base}/document`)]);
    s.data = data; s.etag = etag; s.doc = doc.data;
    if (!s.recording) render();
    mark();
  }

  function changed() { document.dispatchEvent(new CustomEvent("ecomap:changed", { detail: { childId, source: "meetings" } })); }

  async function write(method, path, payload, done) {
    try {
      const r = await api(path, { method, body: payload, headers: { "If-Match": s.etag || "" } });
      s.etag = r.etag || s.etag;
      say(done);
      await load();
      changed();
      return true;
    } catch (e) {
      if (e.conflict) {
        await load().catch(() => {});
        say(`Someone else changed this record meanwhile; nothing of yours is lost — press save again. (${describe(e)})`);
      } else say(`Not saved: ${describe(e)}`);
      return false;
    }
  }

  // ---------------------------------------------------------------- the list

  function commitmentItem(k, meetingOn) {
    const st = s.data.status.commitments[k.id] || { state: "agreed", open: true, on_track: true };
    const who = k.who.length ? k.who.map((id) => firstName(nameOf(id))).join(" and ") : `${firstName(s.doc.child.name)} themself`;
    const track = st.open ? (st.on_track ? "on track" : "not on track") : STATE_WORDS[st.state];
    const answer = st.child_answer ? ` · ${firstName(s.doc.child.name)} says: ${ANSWER_WORDS[st.child_answer]}` : "";
    const item = h("li", { class: `commitment ${st.open ? (st.on_track ? "on-track" : "off-track") : "closed"}`, "data-id": k.id },
      h("span", { class: "what", text: k.what }),
      h("span", { class: "who", text: ` — ${who}${k.by ? `, by ${k.by}` : ""}` }),
      h("span", { class: "track", text: ` (${track})${answer}` }));
    if (st.open) {
      const row = h("span", { class: "progress-buttons" });
      for (const [state, label] of [["in_progress", "Happening"], ["done", "Done"], ["not_done", "Not done"], ["dropped", "Dropped"]]) {
        row.append(h("button", { type: "button", class: "small", "aria-label": `${label}: ${k.what}`, text: label,
          onclick: () => write("POST", `${base}/commitments/${encodeURIComponent(k.id)}/progress`,
            { on: today() < meetingOn ? meetingOn : today(), state, by: "worker" }, `Saved: “${k.what}” is ${STATE_WORDS[state]}.`) }));
      }
      item.append(row);
    }
    return item;
  }

  function render() {
    const words = s.data.participation_words;
    const list = h("ol", { class: "meeting-list", reversed: true });
    for (const m of [...s.data.meetings].reverse()) {
      const took = m.participation ? words[m.participation] : "not recorded";
      list.append(h("li", { class: "meeting", "data-id": m.id },
        h("h3", { text: `${s.data.kind_words[m.kind]}, ${m.on}` }),
        h("p", { text: `How ${firstName(s.doc.child.name)} took part: ${took}.` }),
        h("p", { text: `Came: ${(m.attended || []).map(nameOf).join(", ") || "nobody recorded"}.` }),
        h("ul", { class: "plan" }, ...(m.plan || []).map((k) => commitmentItem(k, m.on)))));
    }
    body.replaceChildren(
      h("button", { type: "button", id: "record-meeting", text: "Record a meeting", onclick: startRecording }),
      s.data.meetings.length ? list : h("p", { class: "hint", text: "No meetings recorded yet." }));
  }

  // ---------------------------------------------------------------- recording

  function startRecording() {
    s.recording = { marks: new Map(), commitments: [] };
    renderForm();
    mark();
    say("Tap people on the map: once for invited, again for came, again to clear.");
  }

  function cycle(id) {
    const r = s.recording;
    const next = { undefined: "invited", invited: "attended", attended: undefined }[r.marks.get(id)];
    if (next) r.marks.set(id, next); else r.marks.delete(id);
    renderPeople();
    mark();
    const p = person(id);
    say(next ? `${p ? p.name : id}: ${MARK_WORDS[next]}.` : `${p ? p.name : id}: not marked.`);
  }

  function renderPeople() {
    const box = document.getElementById("meeting-people");
    if (!box) return;
    const chips = [...s.recording.marks].map(([id, m]) => h("button", {
      type: "button", class: `meeting-person ${m}`, "data-id": id, "aria-label": `${nameOf(id)}: ${MARK_WORDS[m]} (tap to change)`,
      text: `${nameOf(id)}: ${MARK_WORDS[m]}`, onclick: () => cycle(id) }));
    box.replaceChildren(...(chips.length ? chips : [h("span", { class: "hint", text: "Nobody marked yet." })]));
    document.querySelectorAll(".commitment-row").forEach(fillWho);
  }

  function fillWho(row) {
    const chosen = new Set([...row.querySelectorAll("input[name=who]:checked")].map((i) => i.value));
    const box = row.querySelector(".who-options");
    const ids = [...s.recording.marks.keys()];
    box.replaceChildren(...ids.map((id) => h("label", { class: "inline-check" },
      h("input", { type: "checkbox", name: "who", value: id, checked: chosen.has(id) }), ` ${nameOf(id)}`)),
    ids.length ? "" : h("span", { class: "hint", text: "Mark people on the map first, or leave empty if the child holds it." }));
  }

  function addCommitmentRow(form) {
    const n = form.querySelectorAll(".commitment-row").length + 1;
    const row = h("fieldset", { class: "commitment-row" },
      h("legend", { text: `Commitment ${n}` }),
      h("label", { for: `what-${n}`, text: "What will happen" }),
      h("input", { id: `what-${n}`, name: "what", type: "text", maxlength: "500", placeholder: "in the child's words if you can" }),
      h("span", { class: "who-label", text: "Who" }),
      h("div", { class: "who-options" }),
      h("label", { for: `by-${n}`, text: "By when" }),
      h("input", { id: `by-${n}`, name: "by", type: "date" }));
    form.querySelector(".commitments").append(row);
    fillWho(row);
    row.querySelector("input[name=what]").focus();
  }

  function renderForm() {
    const d = s.data;
    const kind = h("select", { id: "meeting-kind", name: "kind" },
      ...Object.entries(d.kind_words).map(([k, w]) => h("option", { value: k, text: w })));
    const took = h("select", { id: "meeting-participation", name: "participation" },
      h("option", { value: "", text: "not recorded" }),
      ...Object.entries(d.participation_words).map(([k, w]) => h("option", { value: k, text: w })));
    const form = h("form", { id: "meeting-form", class: "meeting-form" },
      h("label", { for: "meeting-kind", text: "Kind of meeting" }), kind,
      h("label", { for: "meeting-on", text: "Held on" }),
      h("input", { id: "meeting-on", name: "on", type: "date", value: today(), required: true }),
      h("fieldset", {}, h("legend", { text: "Who was there" }),
        h("p", { class: "hint", text: "Tap people on the map: once for invited, again for came, again to clear." }),
        h("div", { id: "meeting-people", class: "meeting-people" })),
      h("label", { for: "meeting-participation", text: `How ${firstName(s.doc.child.name)} took part` }), took,
      h("label", { for: "meeting-note", text: "Note (for workers only)" }),
      h("textarea", { id: "meeting-note", name: "note", rows: "2", maxlength: "4000" }),
      h("h3", { text: "The plan" }),
      h("div", { class: "commitments" }),
      h("button", { type: "button", class: "secondary", id: "add-commitment", text: "Add a commitment", onclick: () => addCommitmentRow(form) }),
      h("p", { class: "error", hidden: true }),
      h("div", { class: "form-actions" },
        h("button", { type: "submit", text: "Save meeting" }),
        h("button", { type: "button", class: "secondary", text: "Cancel", onclick: stopRecording })));
    form.addEventListener("submit", save);
    body.replaceChildren(form);
    renderPeople();
  }

  function stopRecording() {
    s.recording = null;
    render();
    mark();
    say("");
  }

  async function save(event) {
    event.preventDefault();
    const form = event.target;
    const error = form.querySelector(".error");
    const marks = [...s.recording.marks];
    const plan = [];
    for (const row of form.querySelectorAll(".commitment-row")) {
      const what = row.querySelector("input[name=what]").value.trim();
      if (!what) continue;
      const by = row.querySelector("input[name=by]").value;
      plan.push({ what, who: [...row.querySelectorAll("input[name=who]:checked")].map((i) => i.value), ...(by ? { by } : {}) });
    }
    const payload = {
      kind: form.kind.value, on: form.on.value,
      invited: marks.map(([id]) => id),
      attended: marks.filter(([, m]) => m === "attended").map(([id]) => id),
      plan,
    };
    if (form.participation.value) payload.participation = form.participation.value;
    if (form.note.value.trim()) payload.note = form.note.value.trim();
    error.hidden = true;
    const ok = await write("POST", `${base}/meetings`, payload,
      `Saved the ${s.data.kind_words[payload.kind]} with ${plan.length} commitment${plan.length === 1 ? "" : "s"}.`);
    if (ok) { s.recording = null; render(); mark(); }
    else { error.textContent = status.textContent; error.hidden = false; }
  }

  // ---------------------------------------------------------------- the map

  function mark() {
    const holders = (s.highlight && s.data) ? s.data.status.holders : {};
    for (const node of mapCanvas.querySelectorAll("[data-id]")) {
      const id = node.dataset.id;
      const m = s.recording ? s.recording.marks.get(id) : undefined;
      node.classList.toggle("mt-invited", m === "invited");
      node.classList.toggle("mt-attended", m === "attended");
      const holds = id in holders;
      node.classList.toggle("mt-on-track", holds && holders[id] === true);
      node.classList.toggle("mt-off-track", holds && holders[id] === false);
      if (m) node.setAttribute("data-meeting", MARK_WORDS[m]); else node.removeAttribute("data-meeting");
    }
    legend.hidden = !s.highlight;
  }

  new MutationObserver(() => mark()).observe(mapCanvas, { childList: true, subtree: true });

  function tapped(event) {
    if (!s.recording) return;
    const node = event.target.closest && event.target.closest("[data-id]");
    if (!node || !mapCanvas.contains(node)) return;
    if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    event.stopPropagation();
    cycle(node.dataset.id);
  }
  mapCanvas.addEventListener("click", tapped, true);
  mapCanvas.addEventListener("keydown", tapped, true);

  toggle.addEventListener("click", async () => {
    s.open = !s.open;
    toggle.setAttribute("aria-pressed", String(s.open));
    panel.hidden = !s.open;
    if (s.open) {
      try { await load(); panel.scrollIntoView({ block: "nearest" }); } catch (e) { say(describe(e)); }
    } else if (s.recording) stopRecording();
  });
  highlight.addEventListener("click", async () => {
    s.highlight = !s.highlight;
    highlight.setAttribute("aria-pressed", String(s.highlight));
    if (s.highlight && !s.data) { try { await load(); } catch (e) { say(describe(e)); } }
    mark();
  });
  document.addEventListener("ecomap:changed", (e) => {
    if (e.detail && e.detail.source !== "meetings" && s.open && !s.recording) load().catch(() => {});
  });
  return { load };
}
