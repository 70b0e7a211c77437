// The editor's short timeline of the child's stages with the service (status periods)
// and the teams that held the case, from GET /api/children/{id}/periods. Mounted by
// editor.html into #stages-body; it shares nothing with editor.js but the page.

import { api, describe } from "./api.js";

const LABEL = {
  early_help: "Early help", child_in_need: "Child in need", child_protection: "Protection plan",
  looked_after: "Looked after", care_leaver: "Care leaver",
};
const DATE = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
const when = (iso) => DATE.format(new Date(`${iso}T00:00:00Z`));

/** One line per period, oldest first, with closed gaps between status periods named. */
export function timeline(periods) {
  const list = document.createElement("ol");
  list.className = "stages";
  let lastEnd = null;
  for (const p of periods.filter((x) => x.kind === "status")) {
    if (lastEnd && p.start > lastEnd) {
      const gap = document.createElement("li");
      gap.className = "stage closed";
      gap.textContent = `Case closed ${when(lastEnd)} – ${when(p.start)}`;
      list.append(gap);
    }
    const li = document.createElement("li");
    li.className = `stage ${p.status}`;
    li.dataset.status = p.status;
    li.textContent = `${LABEL[p.status] || p.status}: ${when(p.start)} – ${p.end ? when(p.end) : "now"}`;
    list.append(li);
    lastEnd = p.end;
  }
  const teams = periods.filter((x) => x.kind === "team");
  const held = document.createElement("p");
  held.className = "hint teams";
  held.textContent = teams.length
    ? `Teams: ${teams.map((t) => `${t.team} (${when(t.start)} – ${t.end ? when(t.end) : "now"})`).join(", ")}`
    : "";
  return [list, held];
}

async function mount() {
  const body = document.getElementById("stages-body");
  const match = location.pathname.match(/^\/children\/([^/]+)/);
  if (!body || !match) return;
  try {
    const { data } = await api(`/api/children/${match[1]}/periods`);
    if (!data.count) {
      body.innerHTML = '<p class="hint">No stages recorded yet.</p>';
      return;
    }
    body.replaceChildren(...timeline(data.data));
  } catch (e) {
    body.textContent = `Could not load the stages: ${describe(e)}`;
  }
}

mount();
