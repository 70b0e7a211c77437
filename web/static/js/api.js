// Talking to the JSON API: one fetch wrapper, the error shape, and conflict detection.

/** An API error: the HTTP status plus the JSON error body's code, message and details. */
export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || `request failed (${status})`);
    this.status = status;
    this.code = err.code || String(status);
    this.details = err.details || [];
    this.body = body;
  }
  get conflict() { return this.status === 409 || this.status === 412; }
}

/** Fetch JSON from the API; throws ApiError for any non-2xx answer. */
export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { error: { message: text } }; }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, etag: response.headers.get("ETag"), status: response.status };
}

/** The signed-in user, or null. */
export async function me() {
  try { return (await api("/api/auth/me")).data; } catch (e) {
    if (e.status === 401 || e.status === 403) return null;
    throw e;
  }
}

export async function signOut() {
  try { await api("/api/auth/logout", { method: "POST" }); } finally { location.assign("/"); }
}

/** A message for people: the API's message plus each field named in its details. */
export function describe(error) {
  if (!(error instanceof ApiError)) return String(error && error.message || error);
  const fields = error.details.map((d) => `${d.field}: ${d.message}`).join("; ");
  return fields ? `${error.message} (${fields})` : error.message;
}

/** Today's date as YYYY-MM-DD in the reader's time zone. */
export function today() {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 10);
}
