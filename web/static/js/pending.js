// Saving edits so none is lost: each edit is kept (in this browser) until the API has it.
// A write names the version it was made on (If-Match); if someone saved first, the API
// answers 409/412 and the edit stays here, shown, until the worker re-applies or discards it.

import { api, ApiError, describe } from "./api.js";

export class SaveQueue {
  constructor(childId, { version, onChange }) {
    this.key = `ecomap:pending:${childId}`;
    this.version = version; // () => the ETag of the document the page shows
    this.onChange = onChange; // (state) => void; state: {pending, problem, conflict}
    this.problem = null;
    this.conflict = false;
    try { this.pending = JSON.parse(localStorage.getItem(this.key) || "[]"); } catch { this.pending = []; }
  }

  store() {
    if (this.pending.length) localStorage.setItem(this.key, JSON.stringify(this.pending));
    else localStorage.removeItem(this.key);
    this.onChange(this);
  }

  /** Queue an edit ({method, path, body, summary}) and try to save everything queued. */
  async submit(edit) {
    this.pending.push({ ...edit, queued: new Date().toISOString() });
    this.store();
    return this.flush();
  }

  /** Send queued edits in order; stop at the first refusal, keeping it and the rest. */
  async flush() {
    this.problem = null;
    this.conflict = false;
    while (this.pending.length) {
      const edit = this.pending[0];
      const headers = {};
      const etag = edit.ifMatch || this.version(); // a person edit names the person's version
      if (etag) headers["If-Match"] = etag;
      try {
        await api(edit.path, { method: edit.method, body: edit.body, headers });
      } catch (e) {
        this.conflict = e instanceof ApiError && e.conflict;
        this.problem = this.conflict
          ? "Someone else saved changes to this map after you opened it, so yours were not saved. They are kept below: check the latest map, then save them again or discard them."
          : e instanceof ApiError && e.status === 401
            ? "Your sign-in has ended, so your change was not saved. It is kept below: sign in again (in another tab), then save it."
          : e instanceof ApiError && e.status < 500
            ? `The service refused this change: ${describe(e)}`
            : `Could not reach the service (${describe(e)}). Your change is kept in this browser.`;
        this.refused = e;
        this.store();
        return false;
      }
      this.pending.shift();
      this.store();
      if (this.afterEach) await this.afterEach();
    }
    return true;
  }

  discard() {
    this.pending = [];
    this.problem = null;
    this.conflict = false;
    this.store();
  }
}
