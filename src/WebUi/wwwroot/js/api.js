// mlobs's own HTTP API (Prometheus-, Alertmanager- and Grafana-compatible endpoints): the UI's only data source.
// A snapshot file (mlobs snapshot) sets window.MLOBS_SNAPSHOT and never calls the network.
"use strict";

class ApiError extends Error {
  constructor(message, type, status) { super(message); this.type = type; this.status = status; }
}

const Api = {
  async get(path, params) {
    const url = params ? path + "?" + Api.query(params) : path;
    return Api.unwrap(await fetch(url, { headers: { Accept: "application/json" } }));
  },

  async post(path, params) {
    const res = await fetch(path, { method: "POST", body: Api.query(params), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    return Api.unwrap(res);
  },

  async postJson(path, body) {
    const res = await fetch(path, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
    const text = await res.text();
    const json = text ? JSON.parse(text) : {};
    if (!res.ok) throw new ApiError(json.message || json.error || res.statusText, "http", res.status);
    return json;
  },

  /** Grafana-style endpoints answer plain JSON; Prometheus's wrap it in {status, data}. */
  async getJson(path) {
    const res = await fetch(path, { headers: { Accept: "application/json" } });
    const json = await res.json();
    if (!res.ok) throw new ApiError(json.message || json.error || res.statusText, "http", res.status);
    return json;
  },

  query(params) {
    const parts = [];
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null) continue;
      for (const one of Array.isArray(v) ? v : [v]) parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(one));
    }
    return parts.join("&");
  },

  async unwrap(res) {
    let body;
    try { body = await res.json(); } catch { throw new ApiError(res.statusText || "invalid response", "http", res.status); }
    if (body.status !== "success") throw new ApiError(body.error || res.statusText, body.errorType, res.status);
    return body.data;
  },

  /** Loki's API: {status, data} on success, a plain-text error otherwise (as Loki answers). */
  async loki(path, params) {
    const res = await fetch(path + "?" + Api.query(params), { headers: { Accept: "application/json" } });
    if (!res.ok) throw new ApiError((await res.text()).trim() || res.statusText, "http", res.status);
    const body = await res.json();
    return body.data;
  },

  // The Prometheus calls Grafana's datasource makes.
  labelValues: (label, match, start, end) => Api.get(`/api/v1/label/${encodeURIComponent(label)}/values`, { "match[]": match || undefined, start, end }),
  labelNames: (match, start, end) => Api.get("/api/v1/labels", { "match[]": match || undefined, start, end }),
  instant: (query, time) => Api.post("/api/v1/query", { query, time }),
  range: (query, start, end, step) => Api.post("/api/v1/query_range", { query, start, end, step }),

  /**
   * Grafana's /api/ds/query: several queries in one request, answered with data frames (values in columns) under
   * results[refId]; a failed query has results[refId].error. from/to are epoch milliseconds.
   */
  async dsQuery(queries, from, to) {
    const res = await fetch("/api/ds/query", { method: "POST", body: JSON.stringify({ queries, from: String(from), to: String(to) }), headers: { "Content-Type": "application/json" } });
    let body;
    try { body = await res.json(); } catch { throw new ApiError(res.statusText || "invalid response", "http", res.status); }
    if (!body.results) throw new ApiError(body.message || res.statusText, "http", res.status);
    return body.results;
  },
};
