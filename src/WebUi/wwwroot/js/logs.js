// Logs: the Logs page (LogQL box, a log-level histogram as stacked bars, lines newest first with labels and a
// click-to-expand view of JSON lines, live tail over Loki's websocket) and the line list Grafana `logs` panels use.
"use strict";

const Logs = (() => {
  const el = Dom.el;
  const LEVEL_COLORS = { critical: "#8e1b1b", error: "#e02f44", warn: "#ff9830", info: "#56a64b", debug: "#3274d9", trace: "#a352cc", unknown: "#8e8e8e" };
  const MAX_LIVE = 1000;

  /** A log query's entries [{ns, line, labels}], newest first unless ascending. */
  async function lines(query, fromMs, toMs, limit, ascending) {
    const data = await Api.loki("/loki/api/v1/query_range", {
      query, start: String(BigInt(Math.floor(fromMs)) * 1000000n), end: String(BigInt(Math.floor(toMs)) * 1000000n), limit, direction: ascending ? "forward" : "backward",
    });
    if (data.resultType !== "streams") throw new ApiError("not a log query: use a stream selector and filters (metric queries belong in Explore)", "bad_data", 400);
    return flatten(data.result, ascending);
  }

  function flatten(streams, ascending) {
    const out = [];
    for (const s of streams) for (const [ns, line] of s.values) out.push({ ns, line, labels: s.stream });
    out.sort((a, b) => (BigInt(a.ns) < BigInt(b.ns) ? -1 : BigInt(a.ns) > BigInt(b.ns) ? 1 : 0) * (ascending ? 1 : -1));
    return out;
  }

  function levelOf(entry) {
    const l = (entry.labels.level || entry.labels.detected_level || "").toLowerCase();
    return LEVEL_COLORS[l] ? l : "unknown";
  }

  /** A line's time to the millisecond, in the page's time zone (the time picker's). */
  function time(ns) {
    const ms = Number(BigInt(ns) / 1000000n);
    return `${TimePicker.format(ms, Templating.settings.timeZone)}.${String(((ms % 1000) + 1000) % 1000).padStart(3, "0")}`;
  }

  /** One line as a row: time, level, the line; a click opens its labels and, for JSON, the fields pretty-printed. */
  function row(entry, opts) {
    const level = levelOf(entry);
    const head = el("div", { className: "log-line" + (opts.wrap ? " wrap" : "") },
      el("span", { className: "log-level", style: { background: LEVEL_COLORS[level] }, title: level }),
      opts.showTime === false ? null : el("span", { className: "log-time", textContent: time(entry.ns) }),
      opts.showLabels ? el("span", { className: "log-labels", textContent: Format.legend(entry.labels) }) : null,
      el("span", { className: "log-text", textContent: entry.line }));
    const box = el("div", { className: "log-row", "data-level": level }, head);
    if (opts.details === false) return box;
    head.addEventListener("click", () => {
      const open = box.querySelector(".log-details");
      if (open) { open.remove(); box.classList.remove("open"); if (opts.onToggle) opts.onToggle(); return; }
      box.classList.add("open");
      const details = el("div", { className: "log-details" },
        el("div", {}, ...Object.entries(entry.labels).map(([k, v]) => el("span", { className: "label", textContent: `${k}=${v}` }))));
      let parsed = null;
      try { parsed = JSON.parse(entry.line); } catch { /* not JSON */ }
      if (parsed && typeof parsed === "object") details.append(el("pre", { className: "log-json", textContent: JSON.stringify(parsed, null, 2) }));
      box.append(details);
      if (opts.onToggle) opts.onToggle();
    });
    return box;
  }

  function list(entries, opts = {}) {
    const box = el("div", { className: "log-list" });
    const rows = entries.map(e => row(e, { ...opts, onToggle: () => fit() }));
    box.append(...rows);
    if (!entries.length) box.append(Dom.notice("No log lines"));
    // In a dashboard panel (opts.fitTo) the list never scrolls: the newest lines that fit, then "+N more" linking
    // to the Logs page with the query and range; opening a line's details fits again.
    const fit = () => {
      if (!opts.fitTo) return;
      box.querySelector(".log-more")?.remove();
      box.append(...rows);
      const more = el("a", { className: "log-more muted", href: opts.moreHref || "/logs" });
      if (Dom.trim(box, rows, () => box.offsetHeight > opts.fitTo.clientHeight + 0.5, more)) more.textContent += " lines: open in Logs";
    };
    box.fit = fit;
    return box;
  }

  /** Stacked bars of lines per level over time: sum by (level) (count_over_time(QUERY [step])). */
  async function histogram(container, query, fromMs, toMs) {
    const stepS = Math.max(1, Math.ceil((toMs - fromMs) / 1000 / 60));
    const data = await Api.loki("/loki/api/v1/query_range", {
      query: `sum by (level) (count_over_time(${query} [${stepS}s]))`, start: fromMs / 1000, end: toMs / 1000, step: stepS,
    });
    const order = Object.keys(LEVEL_COLORS);
    const series = data.result.map(s => ({ name: s.metric.level || "unknown", metric: s.metric, values: s.values }))
      .sort((a, b) => order.indexOf(a.name in LEVEL_COLORS ? a.name : "unknown") - order.indexOf(b.name in LEVEL_COLORS ? b.name : "unknown"));
    container.replaceChildren();
    Charts.timeSeries(container, series, { stacked: true, bars: true, height: 140, from: fromMs / 1000, to: toMs / 1000, stepS, colors: series.map(s => LEVEL_COLORS[s.name] || LEVEL_COLORS.unknown) });
  }

  /** Follows a query over /loki/api/v1/tail; onLines gets each message's entries (oldest first). Returns a stop function. */
  function tail(query, limit, onLines, onError) {
    const url = new URL("/loki/api/v1/tail", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.search = Api.query({ query, limit });
    const ws = new WebSocket(url);
    let stopped = false;
    ws.onmessage = m => { const msg = JSON.parse(m.data); onLines(flatten(msg.streams || [], true), (msg.dropped_entries || []).length); };
    ws.onerror = () => { if (!stopped) onError("live tail connection failed"); };
    ws.onclose = e => { if (!stopped && e.code !== 1000) onError("live tail closed" + (e.reason ? ": " + e.reason : "")); };
    return () => { stopped = true; ws.close(); };
  }

  let stopLive = null;
  function stop() { if (stopLive) { stopLive(); stopLive = null; } }

  async function page(root, params) {
    const input = el("textarea", { className: "expr-input", rows: 2, spellcheck: false, value: params.get("query") || "", placeholder: '{service="model-server"} |= "timeout" | json | latency_ms > 500' });
    // Grafana's time picker, as on dashboards and in Explore (the zone shows in the lines' times too).
    const state = { fromText: params.get("from") || "now-1h", toText: params.get("to") || "now", timeZone: params.get("timezone") || "browser", refresh: "" };
    Templating.settings.timeZone = state.timeZone;
    const timeSlot = el("span", { className: "logs-time" });
    const limit = el("input", { className: "limit", value: params.get("limit") || "100", size: 5, title: "most lines shown", "aria-label": "Line limit" });
    const live = el("button", { type: "button", className: "live", textContent: "▶ Live" });
    const form = el("form", { className: "explore logs-form" }, el("div", { className: "expr-wrap" }, input),
      el("div", { className: "controls" }, " limit ", limit, el("button", { type: "submit", textContent: "Run query" }), live, timeSlot));
    let timer = null;
    const drawTime = () => timeSlot.replaceChildren(TimePicker.create(state, {
      onApply: r => { state.fromText = r.from; state.toText = r.to; form.requestSubmit(); },
      onZone: z => { state.timeZone = z; Templating.settings.timeZone = z; form.requestSubmit(); },
      onRefresh: every => { state.refresh = every; clearInterval(timer); const ms = every && Templating.parseDuration(every); timer = ms ? Pages.every(ms, () => form.requestSubmit()) : null; },
      onRefreshNow: () => form.requestSubmit(),
    }));
    drawTime();
    const chart = el("div", { className: "log-histogram" });
    const status = el("div", { className: "log-status muted" });
    const out = el("div", { className: "log-out" });
    const fields = el("div", { className: "log-fields-slot" });
    root.append(el("h2", { textContent: "Logs" }), form, chart, status, el("div", { className: "log-body" }, fields, out));

    // Label names and values to start a selector from.
    const hint = el("div", { className: "log-hint muted" });
    form.append(hint);
    Api.loki("/loki/api/v1/labels", {}).then(names => {
      hint.replaceChildren("labels: ", ...names.map(n => el("a", { href: "#", className: "label", textContent: n, onclick: async e => {
        e.preventDefault();
        const values = await Api.loki(`/loki/api/v1/label/${encodeURIComponent(n)}/values`, {});
        hint.replaceChildren(`${n}: `, ...values.map(v => el("a", { href: "#", className: "label", textContent: v, onclick: ev => {
          ev.preventDefault(); input.value = `{${n}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"}`; form.requestSubmit();
        } })));
      } })));
    }).catch(() => {});

    const run = async () => {
      stop();
      live.textContent = "▶ Live";
      const query = input.value.trim();
      const p = new URLSearchParams({ query, from: state.fromText, to: state.toText, limit: limit.value });
      if (state.timeZone !== "browser") p.set("timezone", state.timeZone);
      history.replaceState(null, "", "/logs?" + p);
      if (!query) { out.replaceChildren(); chart.replaceChildren(); return; }
      const now = Date.now();
      drawTime();
      const fromMs = Templating.parseTime(state.fromText, now), toMs = Templating.parseTime(state.toText, now, true);
      if (fromMs === null || toMs === null || toMs <= fromMs) { out.replaceChildren(Dom.notice(`invalid time range ${state.fromText} to ${state.toText}`, "notice error")); return; }
      out.replaceChildren(Dom.notice("Loading…", "notice loading"));
      try {
        const entries = await lines(query, fromMs, toMs, Number(limit.value) || 100, false);
        status.textContent = `${entries.length} lines${entries.length >= (Number(limit.value) || 100) ? " (limit reached)" : ""}, newest first`;
        out.replaceChildren(list(entries, { showLabels: true, wrap: true }));
        fields.replaceChildren(LogFields.sidebar(entries, query, q => { input.value = q; form.requestSubmit(); }));
        await histogram(chart, query, fromMs, toMs).catch(e => chart.replaceChildren(Dom.notice(e.message, "notice error")));
      } catch (e) {
        chart.replaceChildren();
        status.textContent = "";
        fields.replaceChildren();
        out.replaceChildren(Explore.errorAt(query, e.message));
      }
    };
    live.addEventListener("click", () => {
      if (stopLive) { stop(); live.textContent = "▶ Live"; status.textContent = "live tail stopped"; return; }
      const query = input.value.trim();
      if (!query) return;
      live.textContent = "■ Stop";
      status.textContent = "live: new lines appear at the top";
      let target = out.querySelector(".log-list");
      if (!target) { target = list([], {}); out.replaceChildren(target); }
      target.querySelector(".notice")?.remove();
      stopLive = tail(query, Number(limit.value) || 100, (entries, dropped) => {
        for (const e of entries) target.prepend(row(e, { showLabels: true, wrap: true }));
        while (target.children.length > MAX_LIVE) target.lastChild.remove();
        if (dropped) status.textContent = `live: ${dropped} lines dropped (the tail fell behind)`;
      }, message => { status.textContent = message; live.textContent = "▶ Live"; stopLive = null; });
    });
    form.addEventListener("submit", e => { e.preventDefault(); run(); });
    input.addEventListener("keydown", e => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } });
    if (input.value) await run();
  }

  return { page, stop, lines, list, levelOf, histogram };
})();
