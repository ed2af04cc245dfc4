// The Push page: the groups pushed to the built-in Pushgateway (GET /api/v1/metrics), with their last push, last
// failure and metric families, and a Delete per group (the Pushgateway's DELETE on the group's URL).
"use strict";

const PushPage = (() => {
  const el = Dom.el;

  /** A grouping key's push URL, as the official clients write it: values with "/" (or empty) as URL-safe base64. */
  function groupPath(labels) {
    const enc = v => btoa(String.fromCharCode(...new TextEncoder().encode(v))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const part = (name, value) => value === "" ? `${name}@base64/=` : value.includes("/") ? `${name}@base64/${enc(value)}` : `${name}/${encodeURIComponent(value)}`;
    return "/metrics/" + [part("job", labels.job), ...Object.keys(labels).filter(k => k !== "job").sort().map(k => part(k, labels[k]))].join("/");
  }

  function when(seconds) {
    const s = Number(seconds);
    if (!s) return { text: "never", title: "" };
    const age = Math.max(0, Date.now() / 1000 - s);
    const text = age < 60 ? `${age.toFixed(0)}s ago` : age < 3600 ? `${Math.floor(age / 60)}m ago` : age < 172800 ? `${Math.floor(age / 3600)}h ago` : `${Math.floor(age / 86400)}d ago`;
    return { text, title: new Date(s * 1000).toISOString() };
  }

  async function page(root) {
    const body = el("div");
    root.append(el("h2", { textContent: "Push" }),
      el("p", { className: "muted", textContent: "Groups pushed to the built-in Pushgateway (PUT/POST /metrics/job/<job>{/<label>/<value>}). Every push interval each group is written to the store; a deleted group goes stale." }),
      body);
    const draw = async () => {
      try {
        const groups = await Api.get("/api/v1/metrics");
        if (!groups.length) { body.replaceChildren(Dom.notice("No groups pushed yet. Push with any Pushgateway client, or: mlobs push FILE --job JOB")); return; }
        groups.sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
        body.replaceChildren(el("table", { className: "data" },
          el("thead", {}, el("tr", {}, ...["Group", "State", "Last push", "Last failure", "Metrics", ""].map(h => el("th", { textContent: h })))),
          el("tbody", {}, ...groups.map(g => {
            const families = Object.keys(g).filter(k => k !== "labels" && k !== "last_push_successful" && k !== "push_time_seconds" && k !== "push_failure_time_seconds").sort();
            const pushed = when(g.push_time_seconds?.metrics?.[0]?.value), failed = when(g.push_failure_time_seconds?.metrics?.[0]?.value);
            const remove = el("button", { textContent: "Delete", title: "DELETE " + groupPath(g.labels) });
            remove.addEventListener("click", async () => {
              if (!confirm("Delete this group? Its series go stale at the next push interval.")) return;
              remove.disabled = true;
              const res = await fetch(groupPath(g.labels), { method: "DELETE" });
              const text = await res.text(); // read to the end: an unread body counts as an aborted request
              if (!res.ok) { body.prepend(Dom.notice(`Delete failed: ${res.status} ${text}`, "notice error")); return; }
              draw();
            });
            return el("tr", {},
              el("td", {}, ...Dom.labels(g.labels)),
              el("td", { className: g.last_push_successful ? "up" : "down", textContent: g.last_push_successful ? "OK" : "LAST PUSH FAILED" }),
              el("td", { textContent: pushed.text, title: pushed.title }),
              el("td", { className: failed.text === "never" ? "muted" : "error", textContent: failed.text, title: failed.title }),
              el("td", {}, el("details", {}, el("summary", { textContent: `${families.length} ${families.length === 1 ? "family" : "families"}` }),
                ...families.map(f => el("div", { textContent: `${f} (${g[f].type.toLowerCase()}, ${g[f].metrics.length})` })))),
              el("td", {}, remove));
          }))));
      } catch (e) { body.replaceChildren(Dom.notice(e.message, "notice error")); }
    };
    await draw();
    Pages.every(5000, draw);
  }

  return { page, groupPath };
})();
