// The appliance's pages: Overview, Explore, Alerts, Rules, Targets, Dashboards. Each is a function of the page
// root and the URL's parameters; Page.stop() of the previous page runs before the next one starts.
"use strict";

const Pages = (() => {
  const el = Dom.el;
  let timers = [];
  /** An interval cleared when the page is left; returns its id. */
  const every = (ms, fn) => { const id = setInterval(fn, ms); timers.push(id); return id; };
  function stopTimers() { timers.forEach(clearInterval); timers = []; }

  function ago(iso) {
    if (!iso || iso.startsWith("0001")) return "never";
    const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    return s < 60 ? `${s.toFixed(1)}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : `${Math.floor(s / 3600)}h ago`;
  }

  function failure(root, e) { root.append(Dom.notice(e.message, "notice error")); }

  async function targets(root) {
    const body = el("div");
    root.append(el("h2", { textContent: "Targets" }), body);
    const draw = async () => {
      try {
        const data = await Api.get("/api/v1/targets");
        // Samples per target from the scraper's own series, as Prometheus's UI would read them.
        const samples = new Map();
        try {
          for (const s of (await Api.instant("scrape_samples_scraped")).result) samples.set(s.metric.job + "\u0000" + s.metric.instance, s.value[1]);
        } catch { /* the column stays empty */ }
        const byJob = new Map();
        for (const t of data.activeTargets) { if (!byJob.has(t.scrapePool)) byJob.set(t.scrapePool, []); byJob.get(t.scrapePool).push(t); }
        body.replaceChildren(...[...byJob].map(([job, list]) => el("section", { className: "job" },
          el("h3", { textContent: `${job} (${list.filter(t => t.health === "up").length}/${list.length} up)` }),
          el("table", { className: "data" },
            el("thead", {}, el("tr", {}, ...["Endpoint", "State", "Labels", "Last scrape", "Duration", "Samples", "Rejected", "Error"].map(h => el("th", { textContent: h })))),
            el("tbody", {}, ...list.map(t => el("tr", {},
              el("td", {}, el("a", { href: t.scrapeUrl, textContent: t.scrapeUrl })),
              el("td", { className: t.health, textContent: t.health.toUpperCase() }),
              el("td", {}, el("details", {}, el("summary", {}, ...Dom.labels(t.labels)),
                el("div", { className: "muted", textContent: "before relabeling:" }), ...Dom.labels(t.discoveredLabels || {}))),
              el("td", { textContent: ago(t.lastScrape) }),
              el("td", { textContent: (t.lastScrapeDuration * 1000).toFixed(1) + " ms" }),
              el("td", { textContent: samples.get(t.labels.job + "\u0000" + t.labels.instance) ?? "" }),
              rejectedCell(t.samplesRejected),
              el("td", { className: "error", textContent: t.lastError }))))))));
        if (!data.activeTargets.length) body.replaceChildren(Dom.notice("No targets configured."));
      } catch (e) { body.replaceChildren(Dom.notice(e.message, "notice error")); }
    };
    await draw();
    every(5000, draw);
  }

  // Samples the store refused for a target (a target exposing timestamps older than what is stored, or two values
  // for one timestamp), by reason; Prometheus counts the same (prometheus_target_scrapes_sample_*_total).
  function rejectedCell(r) {
    if (!r) return el("td");
    const parts = [["out of order", r.outOfOrder], ["duplicate timestamp", r.duplicateTimestamp], ["out of bounds", r.outOfBounds]]
      .filter(([, n]) => n > 0).map(([why, n]) => `${n} ${why}`);
    return el("td", { className: parts.length ? "error" : "muted", textContent: parts.length ? parts.join(", ") : "0",
      title: "samples rejected since the target was (re)loaded" });
  }

  async function rules(root) {
    const body = el("div");
    root.append(el("h2", { textContent: "Rules" }), body);
    try {
      const data = await Api.get("/api/v1/rules");
      if (!data.groups.length) body.append(Dom.notice("No rule groups loaded."));
      for (const g of data.groups) {
        body.append(el("section", { className: "group" },
          el("h3", { textContent: g.name }, el("span", { className: "muted", textContent: `  ${g.file} · every ${g.interval}s · last evaluation ${ago(g.lastEvaluation)} · took ${(g.evaluationTime * 1000).toFixed(1)} ms` })),
          el("table", { className: "data" },
            el("thead", {}, el("tr", {}, ...["Rule", "Health", "Last evaluation", "Duration", "Error"].map(h => el("th", { textContent: h })))),
            el("tbody", {}, ...g.rules.map(r => el("tr", {},
              el("td", {}, el("code", { textContent: r.type === "alerting" ? `alert: ${r.name}` : `record: ${r.name}` }), el("pre", { className: "expr", textContent: r.query })),
              el("td", { className: r.health === "ok" ? "up" : r.health === "err" ? "down" : "unknown", textContent: r.health }),
              el("td", { textContent: ago(r.lastEvaluation) }),
              el("td", { textContent: (r.evaluationTime * 1000).toFixed(2) + " ms" }),
              el("td", { className: "error", textContent: r.lastError || "" })))))));
      }
    } catch (e) { failure(body, e); }
  }

  async function silence(alert, button) {
    const matchers = Object.entries(alert.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
    const now = new Date();
    try {
      const res = await Api.postJson("/api/v2/silences", {
        matchers, startsAt: now.toISOString(), endsAt: new Date(now.getTime() + 2 * 3600 * 1000).toISOString(),
        createdBy: "mlobs UI", comment: "silenced from the Alerts page for 2h",
      });
      button.replaceWith(el("span", { className: "muted", textContent: "silenced 2h (" + res.silenceID + ")" }));
    } catch (e) { button.replaceWith(el("span", { className: "error", textContent: e.message })); }
  }

  async function alerts(root) {
    const body = el("div");
    root.append(el("h2", { textContent: "Alerts" }), body);
    const draw = async () => {
      try {
        const data = await Api.get("/api/v1/rules", { type: "alert" });
        const rulesList = data.groups.flatMap(g => g.rules.map(r => ({ ...r, group: g.name })));
        const counts = { firing: 0, pending: 0, inactive: 0 };
        for (const r of rulesList) counts[r.state] = (counts[r.state] || 0) + 1;
        const sections = data.groups.map(g => el("section", { className: "group" }, el("h3", { textContent: g.name }),
          ...g.rules.map(r => el("details", { className: "alert-rule " + r.state, open: r.state !== "inactive" },
            el("summary", {}, el("span", { className: "state " + r.state, textContent: r.state.toUpperCase() }), ` ${r.name} (${r.alerts.length} active)`),
            el("pre", { className: "expr", textContent: r.query }),
            r.alerts.length ? el("table", { className: "data" },
              el("thead", {}, el("tr", {}, ...["Labels", "State", "Active since", "Value", "Annotations", ""].map(h => el("th", { textContent: h })))),
              el("tbody", {}, ...r.alerts.map(a => {
                const button = el("button", { textContent: "Silence", className: "silence" });
                button.addEventListener("click", () => silence(a, button));
                return el("tr", {},
                  el("td", {}, ...Dom.labels(a.labels)),
                  el("td", { className: "state " + a.state, textContent: a.state }),
                  el("td", { textContent: a.activeAt ? new Date(a.activeAt).toLocaleString() : "" }),
                  el("td", { textContent: Number.isFinite(Number(a.value)) ? String(Number(Number(a.value).toPrecision(6))) : a.value, title: a.value }),
                  el("td", {}, ...Object.entries(a.annotations || {}).map(([k, v]) => el("div", {}, el("strong", { textContent: k + ": " }), v))),
                  el("td", {}, button));
              }))) : null))));
        body.replaceChildren(el("p", {}, `${counts.firing} firing, ${counts.pending} pending, ${counts.inactive} inactive`), ...sections);
        if (!rulesList.length) body.append(Dom.notice("No alerting rules loaded."));
      } catch (e) { body.replaceChildren(Dom.notice(e.message, "notice error")); }
    };
    await draw();
    every(10000, draw);
  }

  /**
   * Grafana's dashboard browser: a search box, tag filters, folders (the dashboards dir's sub-folders; General for
   * the rest) that open and close, each dashboard with its tags and panel count; and importing a JSON export.
   */
  async function dashboards(root, params) {
    const status = el("div");
    const file = el("input", { type: "file", accept: ".json,application/json", className: "import-file", "aria-label": "Import Grafana JSON" });
    const search = el("input", { type: "search", className: "dash-search", placeholder: "Search dashboards", "aria-label": "Search dashboards", value: params.get("query") || "" });
    const chosenTags = new Set(params.getAll("tag"));
    const tagBar = el("div", { className: "tag-filter" });
    const list = el("div", { className: "dash-browse" });
    const closed = new Set();
    file.addEventListener("change", async () => {
      const f = file.files[0];
      if (!f) return;
      try {
        const text = await f.text();
        let json;
        try { json = JSON.parse(text); } catch (e) { throw new Error(`${f.name}: invalid JSON: ${e.message}`); }
        const res = await Api.postJson("/api/dashboards/db", { dashboard: json.dashboard || json, overwrite: true });
        status.replaceChildren(el("span", { className: "ok" }, "Imported ", el("a", { href: res.url, textContent: res.title })));
        await draw();
      } catch (e) { status.replaceChildren(Dom.notice(e.message, "notice error")); }
    });
    root.append(el("h2", { textContent: "Dashboards" }), el("div", { className: "dash-tools" }, search, el("label", { className: "import" }, "Import Grafana JSON: ", file)), tagBar, status, list);
    let all = [];
    const keep = () => {
      const p = new URLSearchParams();
      if (search.value) p.set("query", search.value);
      for (const t of chosenTags) p.append("tag", t);
      history.replaceState(null, "", "/dashboards" + (p.toString() ? "?" + p : ""));
    };
    const render = () => {
      keep();
      const q = search.value.trim().toLowerCase();
      const shown = all.filter(d => (!q || d.title.toLowerCase().includes(q) || (d.folderTitle || "").toLowerCase().includes(q)) && [...chosenTags].every(t => d.tags.includes(t)));
      const tags = [...new Set(all.flatMap(d => d.tags))].sort();
      tagBar.replaceChildren(...(tags.length ? [el("span", { className: "muted", textContent: "Tags: " })] : []), ...tags.map(t => el("button", { type: "button", className: "tag" + (chosenTags.has(t) ? " chosen" : ""), textContent: t, "aria-pressed": String(chosenTags.has(t)),
        onclick: () => { if (chosenTags.has(t)) chosenTags.delete(t); else chosenTags.add(t); render(); } })));
      const folders = new Map();
      for (const d of shown) { const f = d.folderTitle || "General"; if (!folders.has(f)) folders.set(f, []); folders.get(f).push(d); }
      const order = [...folders.keys()].sort((a, b) => (a === "General") - (b === "General") || a.localeCompare(b));
      list.replaceChildren(...order.map(f => {
        const open = !closed.has(f) || !!q || chosenTags.size > 0;
        const head = el("button", { type: "button", className: "folder-head", "aria-expanded": String(open), onclick: () => { if (closed.has(f)) closed.delete(f); else closed.add(f); render(); } },
          el("span", { className: "chevron", textContent: open ? "▾" : "▸" }), " ", f, el("span", { className: "muted", textContent: ` (${folders.get(f).length})` }));
        return el("section", { className: "dash-folder", "data-folder": f }, head, open ? el("ul", { className: "dash-list" }, ...folders.get(f).map(d => el("li", {},
          el("a", { href: d.url, textContent: d.title }),
          el("span", { className: "muted", textContent: ` ${d.panels} panels · ${d.source}` }),
          ...d.tags.map(t => el("button", { type: "button", className: "tag" + (chosenTags.has(t) ? " chosen" : ""), textContent: t, onclick: () => { chosenTags.add(t); render(); } }))))) : null);
      }));
      if (!all.length) list.replaceChildren(Dom.notice("No dashboards. Put Grafana JSON files in config/dashboards (sub-folders become folders) or import one."));
      else if (!shown.length) list.replaceChildren(Dom.notice("No dashboards match."));
    };
    const draw = async () => {
      try { all = await Api.getJson("/api/search?type=dash-db"); render(); }
      catch (e) { list.replaceChildren(Dom.notice(e.message, "notice error")); }
    };
    search.addEventListener("input", render);
    await draw();
  }

  let currentView = null;

  /**
   * A dashboard URL's from/to as Grafana writes them (links, shares, alert annotations): digits are epoch
   * milliseconds, eight digits a UTC date (YYYYMMDD), fifteen a UTC date and time (YYYYMMDDTHHmmss); anything else
   * (now-6h, RFC 3339) as typed. Returned in the form the time box and parseTime read (Unix seconds for numbers).
   */
  function urlTime(text) {
    if (!text) return null;
    let m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
    if (m) return `${m[1]}-${m[2]}-${m[3]}T00:00:00Z`;
    m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(text);
    if (m) return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
    if (/^\d+$/.test(text)) return String(Number(text) / 1000);
    return text;
  }

  /** The reverse for the URL: a number typed in the time box (Unix seconds) is written as Grafana's epoch milliseconds. */
  function toUrlTime(text) {
    return /^\d+(\.\d+)?$/.test(text) ? String(Math.round(Number(text) * 1000)) : text;
  }

  async function dashboard(root, params, uid) {
    try {
      const res = await Api.getJson("/api/dashboards/uid/" + encodeURIComponent(uid));
      await App.settings();
      const dash = res.dashboard;
      const now = Date.now();
      const fromText = urlTime(params.get("from")) || (dash.time && dash.time.from) || "now-6h";
      const toText = urlTime(params.get("to")) || (dash.time && dash.time.to) || "now";
      const chosen = {};
      for (const [k, v] of params) if (k.startsWith("var-")) (chosen[k.slice(4)] ||= []).push(v);
      if (params.has("refresh")) chosen.__refresh = params.get("refresh"); // refresh= (empty) is Off
      const timeZone = params.get("timezone") || dash.timezone || "browser";
      Templating.settings.timeZone = timeZone;
      const from = Templating.parseTime(fromText, now), to = Templating.parseTime(toText, now, true);
      if (from === null || to === null) throw new Error(`invalid time range ${fromText} to ${toText}`);
      currentView = new DashboardView.View(root, dash, {
        from, to, fromText, toText, chosen, timeZone, viewPanel: params.get("viewPanel"),
        onChange: change => {
          const p = new URLSearchParams(location.search);
          if (change.from !== undefined) { p.set("from", toUrlTime(change.from)); p.set("to", toUrlTime(change.to)); }
          if (change.timeZone !== undefined) p.set("timezone", change.timeZone);
          if (change.viewPanel !== undefined) { if (change.viewPanel) p.set("viewPanel", change.viewPanel); else p.delete("viewPanel"); }
          if (change.refresh !== undefined) { if (change.refresh) p.set("refresh", change.refresh); else p.set("refresh", ""); }
          if (change.vars) for (const [name, values] of Object.entries(change.vars)) {
            if (name.startsWith("__")) continue;
            p.delete("var-" + name);
            for (const v of values) p.append("var-" + name, v);
          }
          const url = location.pathname + (p.toString() ? "?" + p : "");
          if (change.push) history.pushState(null, "", url);
          else history.replaceState(null, "", url);
          if (change.from !== undefined || change.timeZone !== undefined) App.route();
        },
      });
      await currentView.start();
    } catch (e) { failure(root, e); }
  }

  function stop() {
    stopTimers();
    if (currentView) { currentView.stop(); currentView = null; }
  }

  return { targets, rules, alerts, dashboards, dashboard, stop, every };
})();
