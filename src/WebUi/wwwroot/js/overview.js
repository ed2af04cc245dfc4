// The home page, the one a person opens first on an edge box: ingestion, active series and store size over the
// last hours (from mlobs scraping itself), targets by health, firing and pending alerts with their age, the newest
// error log lines, disk use against retention, and links into every part. Refreshed every 15 s.
"use strict";

const Overview = (() => {
  const el = (...a) => Dom.el(...a);
  const HOURS = 3;

  function age(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
    return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
  }

  /** The process's own /metrics (text format): each family summed over its series. */
  async function selfMetrics() {
    const text = await (await fetch("/metrics")).text();
    const sums = {};
    for (const line of text.split("\n")) {
      if (!line || line.startsWith("#")) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
      if (m) sums[m[1]] = (sums[m[1]] || 0) + Number(m[3]);
    }
    return sums;
  }

  function card(title, href, ...children) {
    return el("section", { className: "ov-card" }, el("h3", {}, href ? el("a", { href, textContent: title }) : title), ...children);
  }

  /** A small chart of a PromQL expression over the last hours, with its latest value large above it. */
  function chartCard(title, href, expr, unit) {
    const value = el("div", { className: "ov-value", textContent: "…" });
    const plot = el("div", { className: "ov-plot" });
    const section = card(title, href, value, plot);
    const draw = async () => {
      const end = Math.floor(Date.now() / 1000), start = end - HOURS * 3600, step = 60;
      try {
        const data = await Api.range(expr, start, end, step);
        const series = data.result.map(s => ({ name: s.metric.store || title, metric: s.metric, values: s.values }));
        const last = series.reduce((a, s) => a + Number(s.values[s.values.length - 1]?.[1] ?? 0), 0);
        value.textContent = series.length ? Format.value(last, unit) : "No data";
        if (!series.length) { plot.replaceChildren(Dom.notice("No history yet: mlobs scrapes itself (job mlobs) every scrape interval.")); return; }
        Charts.timeSeries(plot, series, { unit, from: start, to: end, stepS: step, height: 110, legend: series.length > 1 ? { mode: "list" } : false, tooltip: { mode: "multi" }, fillOpacity: 15 });
      } catch (e) { plot.replaceChildren(Dom.notice(e.message, "notice error")); }
    };
    return { section, draw };
  }

  function targetsCard(targets) {
    const list = targets.activeTargets;
    const by = h => list.filter(t => t.health === h);
    const up = by("up"), down = by("down"), unknown = by("unknown");
    const bar = el("div", { className: "health-bar", role: "img", "aria-label": `${up.length} up, ${down.length} down, ${unknown.length} unknown` },
      ...[["up", up], ["down", down], ["unknown", unknown]].filter(([, l]) => l.length).map(([h, l]) => el("span", { className: "health-" + h, style: { flex: String(l.length) } })));
    return card("Targets", "/targets",
      el("div", { className: "ov-counts" }, el("span", { className: "up", textContent: `${up.length} up` }), el("span", { className: down.length ? "down" : "muted", textContent: `${down.length} down` }),
        unknown.length ? el("span", { className: "muted", textContent: `${unknown.length} not scraped yet` }) : null),
      list.length ? bar : Dom.notice("No targets configured."),
      down.length ? el("ul", { className: "ov-list" }, ...down.slice(0, 5).map(t => el("li", {}, el("strong", { textContent: `${t.scrapePool} ${t.labels.instance || t.scrapeUrl}` }), el("div", { className: "error", textContent: t.lastError })))) : null);
  }

  function alertsCard(alerts, now) {
    const active = alerts.alerts.filter(a => a.state === "firing" || a.state === "pending")
      .sort((a, b) => (a.state === b.state ? Date.parse(a.activeAt) - Date.parse(b.activeAt) : a.state === "firing" ? -1 : 1));
    const firing = active.filter(a => a.state === "firing").length;
    return card("Alerts", "/alerts",
      el("div", { className: "ov-counts" }, el("span", { className: firing ? "state firing" : "muted", textContent: `${firing} firing` }), el("span", { className: active.length - firing ? "state pending" : "muted", textContent: `${active.length - firing} pending` })),
      active.length ? el("ul", { className: "ov-list" }, ...active.slice(0, 8).map(a => el("li", { className: "ov-alert" },
        el("span", { className: "badge state " + a.state, textContent: a.state }),
        el("strong", { textContent: a.labels.alertname }),
        el("span", { className: "muted ov-labels", textContent: Object.entries(a.labels).filter(([k]) => k !== "alertname").map(([k, v]) => `${k}=${v}`).join(", ") }),
        el("span", { className: "ov-age", textContent: a.activeAt ? "for " + age(now - Date.parse(a.activeAt)) : "" })))) : Dom.notice("Nothing firing or pending."));
  }

  async function errorLogsCard(now) {
    const query = '{level=~"(?i)(error|err|critical|crit|fatal|emerg|alert)"}';
    const section = card("Newest error log lines", `/logs?query=${encodeURIComponent(query)}&from=now-1h`);
    try {
      const lines = await Logs.lines(query, now - 3600 * 1000, now, 8, false);
      section.append(lines.length ? el("ul", { className: "ov-list ov-logs" }, ...lines.map(l => el("li", {},
        el("span", { className: "muted", textContent: TimePicker.format(Number(BigInt(l.ns) / 1000000n), "browser").slice(11) + " " }),
        el("span", { className: "log-labels", textContent: Object.entries(l.labels || {}).filter(([k]) => k !== "level").map(([k, v]) => `${k}=${v}`).join(" ") + " " }),
        el("span", { textContent: l.line, title: l.line })))) : Dom.notice("No error lines in the last hour."));
    } catch (e) { section.append(Dom.notice(e.message, "notice error")); }
    return section;
  }

  function meter(label, used, total, unit) {
    const frac = total > 0 ? Math.min(1, used / total) : 0;
    return el("div", { className: "ov-meter" },
      el("div", { className: "ov-meter-label" }, el("span", { textContent: label }), el("span", { className: "muted", textContent: `${Format.value(used, unit)} of ${Format.value(total, unit)} (${(frac * 100).toFixed(0)}%)` })),
      el("div", { className: "bar-track", role: "meter", "aria-label": label, "aria-valuemin": "0", "aria-valuemax": String(total), "aria-valuenow": String(used) },
        el("span", { className: "bar-fill", style: { width: (frac * 100).toFixed(1) + "%", background: frac > 0.9 ? "#F2495C" : frac > 0.75 ? "#FF9830" : "#73BF69" } })));
  }

  function diskCard(metrics, flags) {
    const stored = (metrics.mlobs_tsdb_storage_bytes || 0) + (metrics.mlobs_log_store_bytes || 0);
    const free = metrics.mlobs_data_dir_free_bytes, capacity = metrics.mlobs_data_dir_capacity_bytes;
    const retentionSize = Number(String(flags["storage.tsdb.retention.size"] || "0").replace(/B$/, "")) || 0;
    return card("Disk and retention", "/d/mlobs-self",
      el("div", { className: "ov-counts" }, el("span", { textContent: `metrics ${Format.value(metrics.mlobs_tsdb_storage_bytes || 0, "bytes")}` }), el("span", { textContent: `logs ${Format.value(metrics.mlobs_log_store_bytes || 0, "bytes")}` })),
      retentionSize > 0 ? meter("Stored against retention.size", stored, retentionSize, "bytes") : el("div", { className: "muted", textContent: "No size limit (retention_size): only time retention applies." }),
      capacity ? meter("Data directory's filesystem", capacity - free, capacity, "bytes") : null,
      el("div", { className: "muted", textContent: `Samples older than ${flags["storage.tsdb.retention.time"] || "?"} are deleted.` }));
  }

  async function linksCard() {
    const links = [["Explore", "/explore"], ["Logs", "/logs"], ["Alerts", "/alerts"], ["Rules", "/rules"], ["Targets", "/targets"], ["Push", "/push"], ["Drift", "/drift"]];
    let dashboards = [];
    try { dashboards = await Api.getJson("/api/search?type=dash-db"); } catch { /* the list stays short */ }
    return card("Go to", "/dashboards",
      el("ul", { className: "ov-links" }, ...dashboards.slice(0, 8).map(d => el("li", {}, el("a", { href: d.url, textContent: d.title }))),
        ...links.map(([t, h]) => el("li", {}, el("a", { href: h, textContent: t })))));
  }

  async function page(root) {
    const grid = el("div", { className: "ov-grid" });
    root.append(el("h2", { textContent: "Overview" }), grid);
    const charts = [
      chartCard("Samples ingested / s", "/d/mlobs-self", "sum(rate(mlobs_tsdb_samples_appended_total[1m]))", "short"),
      chartCard("Active series", "/d/mlobs-self", "sum(mlobs_tsdb_head_series)", "short"),
      chartCard("Store size", "/d/mlobs-self", 'label_replace(sum(mlobs_tsdb_storage_bytes), "store", "metrics", "", "") or label_replace(sum(mlobs_log_store_bytes), "store", "logs", "", "")', "bytes"),
    ];
    const slots = { targets: el("div", { className: "ov-slot" }), alerts: el("div", { className: "ov-slot" }), logs: el("div", { className: "ov-slot ov-wide" }), disk: el("div", { className: "ov-slot" }), links: el("div", { className: "ov-slot" }) };
    grid.append(...charts.map(c => c.section), slots.targets, slots.alerts, slots.disk, slots.logs, slots.links);
    const draw = async () => {
      const at = Date.now();
      await Promise.all([
        ...charts.map(c => c.draw()),
        (async () => {
          try {
            const [targets, alerts, metrics, flags] = await Promise.all([Api.get("/api/v1/targets"), Api.get("/api/v1/alerts"), selfMetrics(), Api.get("/api/v1/status/flags")]);
            slots.targets.replaceChildren(targetsCard(targets));
            slots.alerts.replaceChildren(alertsCard(alerts, at));
            slots.disk.replaceChildren(diskCard(metrics, flags));
          } catch (e) { slots.targets.replaceChildren(Dom.notice(e.message, "notice error")); }
        })(),
        errorLogsCard(at).then(s => slots.logs.replaceChildren(s)),
        linksCard().then(s => slots.links.replaceChildren(s)),
      ]);
    };
    await draw();
    Pages.every(15000, draw);
  }

  return { page, age };
})();
