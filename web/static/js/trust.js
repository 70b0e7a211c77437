// "Who I trust": a young person places the people in their life in three circles,
// marks who they trust, how often they see them and what each helps with, and saves
// it as their own observations. No scores, no worker notes: only their own answers.

import { api } from "./api.js";
import { firstName as first } from "./names.js";
import { drawCircles } from "./trust-circles.js";
import { enableDragging } from "./trust-drag.js";
import { mountHelping } from "./trust-helping.js";
import { h } from "./dom.js";

const token = document.body.dataset.token;
const auth = { Authorization: `Link ${token}` };
const $ = (id) => document.getElementById(id);
const people = new Map(); // id -> {id, name, tie, closeness, trusted, contact, support, dirty}
let picked = null;
const RATHER_NOT = "rather-not"; // "I'd rather not say": nothing is recorded for that question
let version = null; // the map's ETag: every answer names the version it was given on

/** Post an answer with If-Match; if the record moved on meanwhile (a worker saved),
 *  take the new version and send it once more: an answer adds, it never overwrites. */
async function post(path, body) {
  const send = () => api(path, { method: "POST", body, headers: { ...auth, "If-Match": version } });
  let answer;
  try { answer = await send(); } catch (e) {
    if (!e.conflict) throw e;
    version = (await api("/api/me/map", { headers: auth })).etag;
    answer = await send();
  }
  version = answer.etag || version;
  return answer;
}

const CLOSENESS = [[3, "Very close"], [2, "Sort of close"], [1, "Not very close"]];
const CONTACT = [[4, "Every day"], [3, "Every week"], [2, "Every month"], [1, "Now and then"], [0, "Not now"]];
const HELPS = [["emotional", "My feelings"], ["practical", "Doing things"], ["informational", "Advice"]];

function say(message, good = false) {
  $("status").textContent = message;
  $("status").classList.toggle("good", good);
}


function firstName(name) { return first(name, 11); }

function unsaved() { return [...people.values()].some((p) => p.dirty); }

function change(id, update) {
  const p = people.get(id);
  Object.assign(p, update, { dirty: true });
  say("You have answers that are not saved yet.");
  draw();
}

function choices(legend, options, current, onPick) {
  return h("fieldset", {}, h("legend", {}, legend), h("div", { class: "choices" },
    [...options, [RATHER_NOT, "I'd rather not say"]].map(([value, label]) => h("button", {
      type: "button", class: value === RATHER_NOT ? "rather-not" : null, "aria-pressed": String(current === value),
      onclick: () => onPick(current === value ? null : value),
    }, label))));
}

function card(p) {
  const declined = p.support === RATHER_NOT;
  const support = declined ? {} : p.support;
  const helps = h("div", { class: "choices" }, HELPS.map(([key, label]) => {
    const on = (support[key] || 0) >= 2;
    return h("button", {
      type: "button", "aria-pressed": String(on),
      onclick: () => change(p.id, { support: { ...support, [key]: on ? 1 : 3 } }),
    }, label);
  }), h("button", {
    type: "button", class: "rather-not", "aria-pressed": String(declined),
    onclick: () => change(p.id, { support: declined ? {} : RATHER_NOT }),
  }, "I'd rather not say"));
  return h("li", { class: "person", "data-id": p.id },
    h("h3", { tabindex: "-1" }, h("bdi", {}, p.name)),
    choices(`How close do you feel to ${firstName(p.name)}?`, CLOSENESS, p.closeness, (v) => change(p.id, { closeness: v })),
    choices(`Do you trust ${firstName(p.name)}?`, [[true, "I trust them"], [false, "Not really"]], p.trusted, (v) => change(p.id, { trusted: v })),
    choices("How often do you see them?", CONTACT, p.contact, (v) => change(p.id, { contact: v })),
    h("fieldset", {}, h("legend", {}, "They help me with…"), helps));
}

function chip(p, style, label = firstName(p.name)) {
  return h("button", {
    type: "button", class: `chip${picked === p.id ? " picked" : ""}`, "data-id": p.id,
    "aria-pressed": String(picked === p.id), style,
    "aria-label": `${label}${label === p.name ? "" : ` (${p.name})`}${p.trusted === true ? ", trusted" : ""}: tap, then tap a circle`,
    onclick: () => {
      picked = picked === p.id ? null : p.id;
      draw();
      if (picked) {
        say(`Now tap a circle for ${firstName(p.name)}.`);
        $("circles").querySelector(".ring-1").focus(); // keyboard: Tab goes on to the other circles
      }
    },
  }, h("bdi", {}, label), p.trusted === true ? h("span", { class: "star", "aria-hidden": "true" }, " ★") : null);
}

function draw() {
  const circles = $("circles");
  const everyone = [...people.values()];
  const { lay } = drawCircles(circles, everyone.map((p) => ({ ...p, closeness: p.closeness === RATHER_NOT ? null : p.closeness })), chip);
  const tray = [];
  for (const p of everyone) if (!lay.places.has(p.id)) tray.push(chip(p, null, lay.labels.get(p.id)));
  $("not-placed").replaceChildren(...tray);
  circles.querySelectorAll(".ring").forEach((r) => { r.tabIndex = picked ? 0 : -1; });
  const list = $("people");
  const focused = document.activeElement;
  const key = focused && focused.closest(".person") && [focused.closest(".person").dataset.id, [...focused.closest(".person").querySelectorAll("button, input")].indexOf(focused)];
  list.replaceChildren(...[...people.values()].map(card));
  if (key) list.querySelector(`[data-id="${CSS.escape(key[0])}"]`)?.querySelectorAll("button, input")[key[1]]?.focus();
}

function placePicked(closeness) {
  if (!picked) return;
  const id = picked;
  picked = null;
  change(id, { closeness });
  say(`${firstName(people.get(id).name)} is now in "${CLOSENESS.find(([v]) => v === closeness)[1]}".`);
}

async function load() {
  say("Loading…");
  const { data, etag } = await api("/api/me/map", { headers: auth });
  version = etag;
  $("title").textContent = `Hi ${data.child.name}!`;
  $("intro").textContent = "These are people in your life. Put each one in a circle to show how close you feel. There are no right or wrong answers.";
  document.title = "Who I trust";
  people.clear();
  for (const m of data.members) {
    // /api/me/map gives the young person's own earlier answers only, never an adult's view.
    people.set(m.id, {
      id: m.id, name: m.name, tie: m.tie, closeness: m.closeness ?? null, trusted: m.trusted ?? null,
      contact: m.contact ?? null, support: m.support ? { ...m.support } : {}, dirty: false,
    });
  }
  draw();
  say("");
}

async function save() {
  const changed = [...people.values()].filter((p) => p.dirty);
  const said = (v) => v !== null && v !== undefined && v !== RATHER_NOT;
  if (!changed.length) { say("Nothing new to save yet. Tap a circle or a button first."); return; }
  say("Saving…");
  try {
    for (const p of changed) {
      const body = { tie: p.tie }; // recorded as by: child, on today, by the API
      if (said(p.closeness)) body.closeness = p.closeness;
      if (said(p.trusted)) body.trusted = p.trusted;
      if (said(p.contact)) body.contact = p.contact;
      const support = p.support === RATHER_NOT ? {} : Object.fromEntries(Object.entries(p.support).filter(([, v]) => v));
      if (Object.keys(support).length) body.support = support;
      // "I'd rather not say" to everything records nothing: an empty answer would hide the adults' view.
      if (Object.keys(body).length > 1) await post("/api/me/observations", body);
      p.dirty = false;
    }
    say("Thank you! Your answers are saved.", true);
  } catch (e) {
    say(e.status === 401 ? "Your link has stopped working. Ask your worker for a new one." : "Sorry, that did not save. Please try again.");
  }
}

$("add-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const error = form.querySelector(".error");
  error.hidden = true;
  try {
    const { data: added } = await post("/api/me/people", { name: form.name.value.trim(), category: form.category.value });
    const name = form.name.value.trim();
    const dirty = [...people.values()].filter((p) => p.dirty);
    await load();
    for (const p of dirty) if (people.has(p.id)) people.set(p.id, p);
    draw();
    form.reset();
    say(`${name} is on your list now. Put them in a circle!`, true);
    // Take them to the new person's card (not left at the bottom of the page).
    const card = $("people").querySelector(`[data-id="${CSS.escape(added.id)}"]`);
    if (card) { card.scrollIntoView({ block: "center" }); card.querySelector("h3").focus({ preventScroll: true }); }
  } catch (e) {
    error.textContent = "Sorry, we could not add them. Check the name and who they are.";
    error.hidden = false;
  }
});
$("save").addEventListener("click", save);
$("circles").addEventListener("click", (e) => {
  if (e.target.closest(".chip")) return;
  const ring = e.target.closest(".ring");
  if (ring && picked) placePicked(Number(ring.dataset.closeness));
});
$("circles").addEventListener("keydown", (e) => {
  const ring = e.target.closest(".ring");
  if (ring && picked && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); placePicked(Number(ring.dataset.closeness)); }
});
enableDragging($("circles"), $("main"), (id, closeness) => { picked = null; change(id, { closeness }); });
mountHelping({ headers: auth }); // "Who is helping with what" (trust-helping.js)
// Answers not saved yet: the browser asks before the page is left or reloaded.
window.addEventListener("beforeunload", (e) => { if (unsaved()) { e.preventDefault(); e.returnValue = ""; } });
let width = 0;
window.addEventListener("resize", () => { if ($("circles").clientWidth !== width && people.size) { width = $("circles").clientWidth; draw(); } });
load().catch((e) => {
  // A link that does not work shows only the message: no empty circles, no Save button.
  document.body.classList.add("broken");
  $("intro").textContent = "";
  say(e.status === 401 ? "This link is not working. Ask your worker for a new one." : "Sorry, something went wrong. Please try again later.");
});
