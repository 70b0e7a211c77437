// The editor's History panel: every revision of the child's record (who, when, why, what
// changed in plain words), the map as recorded at any of them, and restoring one.
// Nothing is lost by restoring: it writes a new revision, and the history keeps the rest.

import { api, describe } from "./api.js";
import { drawEcomap } from "./ecomap-svg.js";
import { h } from "./dom.js";

const PAGE = 20;

function when(iso) {
  const d = new Date(iso);
  return `${d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" })} ${d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}`;
}

/**
 * Mount the panel into `root` (a <section>). `ctx` gives what the editor knows:
 * base (the child's API path), at() and perspective() (the map's date and view),
 * etag() (the version loaded), status(message), and reload() (back to the live map,
 * after reloading the document).
 */
export function mountHistory(root, ctx) {
  const list = h("ol", { class: "revisions", id: "history-list" });
  const more = h("button", { type: "button", class: "secondary", id: "history-more", hidden: true }, "Older revisions");
  const open = h("button", { type: "button", id: "history-open", "aria-expanded": "false" }, "Show the history");
  const banner = h("p", { class: "recorded", id: "history-banner", role: "status", hidden: true });
  const back = h("button", { type: "button", id: "history-back", hidden: true }, "Back to the record now");
  const body = h("div", { id: "history-body", hidden: true }, list, more);
  root.append(open, banner, back, body);
  let loaded = 0;

  async function page() {
    try {
      const { data } = await api(`${ctx.base}/revisions?limit=${PAGE}&offset=${loaded}`);
      list.append(...data.data.map((r, i) => item(r, loaded + i === 0)));
      loaded += data.data.length;
      more.hidden = loaded >= data.count;
    } catch (e) { ctx.status(`Could not load the history: ${describe(e)}`); }
  }

  function item(r, latest) {
    const who = h("p", { class: "revision-head" },
      h("strong", {}, `Revision ${r.revision}`), ` · ${when(r.at)} · ${r.actor}`,
      r.reason ? h("span", { class: "reason" }, ` — “${r.reason}”`) : null);
    const changes = h("ul", { class: "changes" },
      (r.changes.length ? r.changes : ["no change to the record's content"]).map((c) => h("li", {}, c)));
    const show = h("button", { type: "button", class: "secondary", "data-show": r.revision, onclick: () => showAt(r) }, "Show this map");
    const actions = h("div", { class: "buttons" }, show);
    if (!latest) {
      actions.append(h("button", { type: "button", "data-restore": r.revision, onclick: () => askRestore(r, actions) }, "Restore this version"));
    }
    return h("li", { "data-revision": r.revision }, who, changes, actions);
  }

  async function showAt(r) {
    try {
      const q = `at=${ctx.at()}&perspective=${ctx.perspective()}&as_recorded=${r.revision}`;
      const { data } = await api(`${ctx.base}/ecomap?${q}`);
      const canvas = document.getElementById("map-canvas");
      canvas.replaceChildren(drawEcomap(data, { onSelect: () => {} }));
      const caption = `${data.child.name}'s network on ${data.at}, as recorded at revision ${r.revision} (${when(r.at)}).`;
      document.getElementById("map-caption").textContent = caption;
      banner.textContent = `Showing the map as recorded at revision ${r.revision}: read only.`;
      banner.hidden = back.hidden = false;
      ctx.status(caption);
    } catch (e) { ctx.status(`Could not show that revision: ${describe(e)}`); }
  }

  function askRestore(r, actions) {
    if (actions.querySelector("form")) return;
    const reason = h("input", { name: "reason", required: true, maxlength: 500, id: `restore-reason-${r.revision}`, autocomplete: "off" });
    const form = h("form", { class: "restore" },
      h("label", { for: reason.id }, `Why restore revision ${r.revision}?`), reason,
      h("button", { type: "submit" }, "Restore"),
      h("button", { type: "button", class: "secondary", onclick: () => form.remove() }, "Cancel"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api(`${ctx.base}/restore`, {
          method: "POST", body: { revision: r.revision, reason: reason.value.trim() },
          headers: { "If-Match": ctx.etag() },
        });
        form.remove();
        await toNow();
        await refresh();
        ctx.status(`Restored revision ${r.revision}. The history keeps every version.`);
      } catch (e) {
        ctx.status(e.conflict
          ? "Someone saved changes to this map meanwhile: look at the latest history, then restore again."
          : `Could not restore: ${describe(e)}`);
        if (e.conflict) { await ctx.reload(); await refresh(); }
      }
    });
    actions.append(form);
    reason.focus();
  }

  async function refresh() {
    list.replaceChildren();
    loaded = 0;
    await page();
  }

  async function toNow() {
    banner.hidden = back.hidden = true;
    await ctx.reload();
  }

  open.addEventListener("click", async () => {
    const opening = body.hidden;
    body.hidden = !opening;
    open.setAttribute("aria-expanded", String(opening));
    open.textContent = opening ? "Hide the history" : "Show the history";
    if (opening) await refresh();
  });
  more.addEventListener("click", page);
  back.addEventListener("click", toNow);
  return { refresh, refreshIfOpen: async () => { if (!body.hidden) await refresh(); } };
}
