// The editor's dialogs: add or edit a person, draw a tie, record an observation, end a tie.
// Each turns its form into one API edit and hands it to the save queue.

import { api } from "./api.js";

const $ = (id) => document.getElementById(id);

function dialog(id, title, fill, toEdit, ctx) {
  const box = $(id);
  const form = box.querySelector("form");
  const error = form.querySelector(".error");
  error.hidden = true;
  form.reset();
  if (title) box.querySelector("h2").textContent = title;
  fill(form);
  form.onsubmit = async (event) => {
    event.preventDefault();
    let edit;
    try { edit = await toEdit(new FormData(form), form); } catch (e) {
      error.textContent = e.message; error.hidden = false; return;
    }
    box.close();
    await ctx.save(edit);
  };
  box.querySelectorAll("[data-close]").forEach((b) => { b.onclick = () => box.close(); });
  box.showModal();
  form.querySelector("input:not([type=hidden]), select")?.focus();
}

function slug(text) {
  return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").replace(/^([0-9])/, "r_$1") || null;
}

function personName(ctx, id) {
  if (id === ctx.doc.child.id) return ctx.doc.child.name;
  return ctx.doc.people.find((p) => p.id === id)?.name || id;
}

const PERSON_FIELDS = ["name", "category", "role", "adult", "paid"];

/** The person's version if their details are still those this map shows (null if someone
 * changed them since it loaded; undefined if the service could not tell). */
async function versionAsShown(member) {
  try {
    const found = (await api(`/api/people?search=${encodeURIComponent(member.id)}&limit=200`))
      .data.data.find((p) => p.id === member.id);
    if (!found) return undefined;
    return PERSON_FIELDS.every((k) => (found[k] ?? null) === (member[k] ?? null)) ? found.version : null;
  } catch { return undefined; }
}

/** Add a person (and their tie to the child), or edit one (`member` given). */
export function openPerson(ctx, member) {
  // a change names the version of the details shown, so it never undoes someone else's
  const version = member ? versionAsShown(member) : null;
  dialog("person-dialog", member ? `Edit ${member.name}` : "Add a person", (form) => {
    form.querySelector(".new-only").hidden = Boolean(member);
    form.started.value = ctx.at;
    if (member) {
      form.name.value = member.name;
      form.category.value = member.category;
      form.role.value = member.role ? member.role.replaceAll("_", " ") : "";
      form.adult.checked = member.adult;
      form.paid.checked = member.paid;
    }
    form.category.onchange = () => {
      form.adult.checked = form.category.value !== "friend";
      form.paid.checked = ["professional", "carer"].includes(form.category.value);
    };
  }, async (data) => {
    const person = {
      name: String(data.get("name")).trim(), category: data.get("category"),
      role: slug(String(data.get("role") || "")), adult: data.get("adult") === "on", paid: data.get("paid") === "on",
    };
    if (!person.name) throw new Error("Give the person a name.");
    if (member) {
      // a person is one record shared by every network they are in: changed in the open
      const shown = await version;
      if (shown === undefined) throw new Error("Could not check these details with the service: reload the map and try again.");
      if (shown === null) throw new Error(`Someone changed ${member.name}'s details after this map was loaded: reload the map to see them, then make your change.`);
      return { method: "PATCH", path: `/api/people/${encodeURIComponent(member.id)}`, body: person, summary: `edit ${person.name}`, ifMatch: `"${shown}"` };
    }
    const body = { ...person, tie_to_child: data.get("tie") === "on" };
    if (body.tie_to_child && data.get("started")) body.started = data.get("started");
    return { method: "POST", path: `${ctx.base}/people`, body, summary: `add ${person.name}` };
  }, ctx);
}

/** Draw a tie between two people of this child's network (the child included). */
export function openTie(ctx, { a = null, b = null }) {
  dialog("tie-dialog", null, (form) => {
    const options = [{ id: ctx.doc.child.id, name: `${ctx.doc.child.name} (the child)` }, ...ctx.doc.people];
    for (const select of [form.a, form.b]) {
      select.replaceChildren(...options.map((p) => new Option(p.name, p.id)));
    }
    form.a.value = a || ctx.doc.child.id;
    if (b) form.b.value = b; else form.b.selectedIndex = Math.min(1, options.length - 1);
    form.started.value = ctx.at;
  }, (data) => {
    const [x, y] = [data.get("a"), data.get("b")];
    if (x === y) throw new Error("Choose two different people.");
    return {
      method: "POST", path: `${ctx.base}/ties`,
      body: { between: [x, y], started: data.get("started") || null },
      summary: `tie ${personName(ctx, x)} – ${personName(ctx, y)}`,
    };
  }, ctx);
}

const INTS = ["closeness", "contact", "critical"];
const SUPPORT = ["emotional", "practical", "informational"];

/** Record how the tie looks today, from one perspective. */
export function openObservation(ctx, member) {
  dialog("obs-dialog", `How is it with ${member.name}?`, (form) => {
    form.on.value = ctx.at;
  }, (data) => {
    const body = { tie: member.tie, on: data.get("on"), by: data.get("by") };
    for (const k of INTS) if (data.get(k)) body[k] = Number(data.get(k));
    const support = {};
    for (const k of SUPPORT) if (data.get(k)) support[k] = Number(data.get(k));
    if (Object.keys(support).length) body.support = support;
    if (data.get("direction")) body.direction = data.get("direction");
    if (data.get("trusted")) body.trusted = data.get("trusted") === "true";
    const note = String(data.get("note") || "").trim();
    if (note) body.note = note;
    return { method: "POST", path: `${ctx.base}/observations`, body, summary: `observation of ${member.name} on ${body.on}` };
  }, ctx);
}

/** End the child's tie with this member, with a reason. */
export function openEndTie(ctx, member) {
  dialog("end-dialog", `End the tie with ${member.name}`, (form) => {
    form.ended.value = ctx.at;
  }, (data) => ({
    method: "POST", path: `${ctx.base}/ties/${encodeURIComponent(member.tie)}/end`,
    body: { ended: data.get("ended"), end_reason: data.get("end_reason") },
    summary: `end the tie with ${member.name}`,
  }), ctx);
}
