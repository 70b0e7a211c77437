// "Who is helping with what" on the young person's page: the open commitments of their
// latest plan, in their words, with who holds each, and "Is this happening?" — yes, a
// bit, or no — saved as their own answer (by: child). No notes, no other people's
// progress, no scores (docs/meetings.md). Self-mounting; trust.js calls mountHelping().

import { api } from "./api.js";
import { h } from "./dom.js";

const ANSWERS = [["yes", "Yes"], ["a_bit", "A bit"], ["no", "No"]];


function names(who) {
  if (!who.length) return "You";
  return who.length === 1 ? who[0] : `${who.slice(0, -1).join(", ")} and ${who[who.length - 1]}`;
}

export function mountHelping({ headers = {}, before = null } = {}) {
  let version = null;
  document.head.append(h("link", { rel: "stylesheet", href: "/static/css/helping.css" }));
  const list = h("ol", { id: "helping", class: "helping" });
  // the page's one live region (trust.html's #status), so answers are announced once
  const status = document.getElementById("status") || h("p", { class: "status", role: "status", "aria-live": "polite" });
  const section = h("section", { class: "helping-box card", "aria-labelledby": "helping-title", hidden: true },
    h("h2", { id: "helping-title", text: "Who is helping with what" }),
    h("p", { class: "tip", text: "The things people said they would do. Is each one happening?" }),
    list, status.isConnected ? null : status);
  const main = document.getElementById("main") || document.body;
  const anchor = before || main.querySelector("section.add");
  if (anchor && anchor.parentNode === main) main.insertBefore(section, anchor); else main.append(section);

  async function read() {
    const r = await api("/api/me/helping", { headers });
    version = r.etag;
    return r.data.data;
  }

  async function answer(item, value) {
    const send = () => api(`/api/me/helping/${encodeURIComponent(item.id)}`,
      { method: "POST", body: { answer: value }, headers: { ...headers, "If-Match": version || "" } });
    try {
      let r;
      try { r = await send(); } catch (e) {
        if (!e.conflict) throw e;
        await read(); // someone else saved meanwhile: your answer is simply added on top
        r = await send();
      }
      version = r.etag || version;
      Object.assign(item, r.data);
      status.textContent = "Thank you! Saved.";
      draw(items);
      document.dispatchEvent(new CustomEvent("ecomap:changed", { detail: { source: "helping" } }));
    } catch {
      status.textContent = "Sorry, that did not save. Please try again.";
    }
  }

  let items = [];
  function draw(all) {
    list.replaceChildren(...all.map((item) => h("li", { class: "helping-item", "data-id": item.id },
      h("h3", { text: item.what }),
      h("p", { class: "who", text: `${names(item.who)}` }),
      h("fieldset", {}, h("legend", { text: "Is this happening?" }),
        h("div", { class: "choices" }, ...ANSWERS.map(([value, label]) => h("button", {
          type: "button", "aria-pressed": String(item.answer === value),
          "aria-label": `${label}: ${item.what}`, text: label, onclick: () => answer(item, value),
        })))))));
  }

  read().then((all) => {
    items = all;
    section.hidden = !all.length;
    draw(items);
  }).catch(() => { section.hidden = true; });
}
