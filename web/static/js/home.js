// Home: sign in; then a worker sees their caseload, a leader the way to the dashboard.

import { api, describe, me, signOut } from "./api.js";

const $ = (id) => document.getElementById(id);
const STATUS = {
  early_help: "early help", child_in_need: "child in need", child_protection: "child protection",
  looked_after: "looked after", care_leaver: "care leaver",
};

function next() {
  const target = new URLSearchParams(location.search).get("next");
  return target && target.startsWith("/") && !target.startsWith("//") ? target : null;
}

async function showChildren(search = "") {
  const q = search ? `?search=${encodeURIComponent(search)}` : "";
  const { data } = await api(`/api/children${q}`);
  const rows = data.data || [];
  $("children").replaceChildren(...rows.map((c) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `/children/${encodeURIComponent(c.id)}`;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = c.name;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = [STATUS[c.status] || c.status, c.team && `team ${c.team}`].filter(Boolean).join(" · ");
    a.append(name, document.createElement("br"), meta);
    li.append(a);
    li.dataset.child = c.id;
    return li;
  }));
  $("children-count").textContent = `${data.count} ${data.count === 1 ? "child" : "children"}`;
  await markAskAgain();
}

// "Time to ask again": the child's trust answer is missing or older than the window.
async function markAskAgain() {
  let asking;
  try { ({ data: asking } = await api("/api/asking")); } catch { return; }
  const due = new Map(asking.data.map((a) => [a.child, a]));
  for (const li of $("children").children) {
    const a = due.get(li.dataset.child);
    if (!a || !a.ask_again) continue;
    const mark = document.createElement("span");
    mark.className = "ask-again";
    mark.textContent = a.trust_answered_on
      ? `Time to ask again: trust last answered ${a.trust_answered_on}`
      : "Time to ask again: trust never asked";
    li.querySelector("a").append(document.createElement("br"), mark);
  }
}

async function start() {
  const user = await me();
  if (!user) {
    $("sign-in").hidden = false;
    $("sign-in-form").username.focus();
    return;
  }
  if (next()) { location.assign(next()); return; }
  $("account").hidden = false;
  $("who").textContent = `${user.username} (${user.role})`;
  if (user.role === "leader" || user.role === "admin") $("leader").hidden = false;
  if (user.role === "worker" || user.role === "admin") {
    $("caseload").hidden = false;
    if (user.role === "admin") $("caseload-title").textContent = "Children";
    await showChildren();
  }
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  $("sign-in-error").hidden = true;
  try {
    await api("/api/auth/login", { method: "POST", body: { username: form.username.value, password: form.password.value } });
    $("sign-in").hidden = true;
    await start();
  } catch (e) {
    $("sign-in-error").textContent = e.status === 401 ? "That username and password do not match." : describe(e);
    $("sign-in-error").hidden = false;
  }
});
$("sign-out").addEventListener("click", signOut);
let timer = null;
$("search").addEventListener("input", (e) => { clearTimeout(timer); timer = setTimeout(() => showChildren(e.target.value), 250); });
$("search-form").addEventListener("submit", (e) => e.preventDefault());
start().catch((e) => { $("status").textContent = `Something went wrong: ${describe(e)}`; });
