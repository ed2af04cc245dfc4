// Explore: PromQL boxes with autocomplete (metric names, functions, label names and values), several queries on one
// chart or as instant tables, Grafana's time picker, step, stacked/lines, errors shown at their position, query
// history kept in the browser, a split with a LogQL query beside, and a shareable URL.
"use strict";

const Explore = (() => {
  const el = Dom.el;
  const FUNCTIONS = ["abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min",
    "cos", "cosh", "count_over_time", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "deg", "delta", "deriv", "exp", "floor", "histogram_quantile", "hour",
    "idelta", "increase", "irate", "label_join", "label_replace", "last_over_time", "ln", "log10", "log2", "mad_over_time", "max_over_time", "min_over_time", "minute", "month",
    "pi", "predict_linear", "present_over_time", "quantile_over_time", "rad", "rate", "resets", "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_by_label",
    "sort_by_label_desc", "sort_desc", "sqrt", "stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year"];
  const AGGREGATIONS = ["sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless"];
  let metricNames = null;

  /** What to suggest at the cursor: label values inside quotes, label names inside braces, else names and functions. */
  async function suggestions(text, cursor) {
    const before = text.slice(0, cursor);
    const inValue = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\{[^}]*?([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)$/.exec(before);
    if (inValue) {
      const values = await Api.labelValues(inValue[2], inValue[1] || undefined);
      return { prefix: inValue[4], items: values.filter(v => v.startsWith(inValue[4])).slice(0, 50) };
    }
    const inBraces = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\{([^}]*,)?\s*([a-zA-Z_]*)$/.exec(before);
    if (inBraces) {
      const names = await Api.labelNames(inBraces[1] || undefined);
      return { prefix: inBraces[3], items: names.filter(n => n !== "__name__" && n.startsWith(inBraces[3])).slice(0, 50) };
    }
    const word = /([a-zA-Z_:][a-zA-Z0-9_:]*)$/.exec(before);
    if (!word) return { prefix: "", items: [] };
    metricNames ||= await Api.labelValues("__name__");
    const p = word[1];
    const items = [...FUNCTIONS.map(f => f + "("), ...AGGREGATIONS, ...metricNames].filter(x => x.startsWith(p) && x !== p);
    return { prefix: p, items: items.slice(0, 50) };
  }

  /** "1:12: parse error: ..." (PromQL) or "parse error at line 1, col 12: ..." (LogQL) → the expression with a caret under that column. */
  function errorAt(expr, message) {
    const m = /(?:^|: )(\d+):(\d+): /.exec(message) || /at line (\d+), col (\d+)/.exec(message);
    const box = el("div", { className: "query-error" }, el("div", { textContent: message }));
    if (m) {
      const line = expr.split("\n")[Number(m[1]) - 1] ?? "";
      box.append(el("pre", { className: "caret", textContent: line + "\n" + " ".repeat(Math.max(0, Number(m[2]) - 1)) + "^" }));
    }
    return box;
  }

  /** A PromQL box with autocomplete (metric names, functions, label names and values); Enter runs, Shift+Enter is a newline. */
  function queryEditor(refId, value, run, remove) {
    const input = el("textarea", { className: "expr-input", rows: 2, placeholder: "Expression (press Shift+Enter for newlines)", value, spellcheck: false, "aria-label": `Query ${refId}` });
    const list = el("ul", { className: "suggestions", hidden: true });
    let active = -1, current = { prefix: "", items: [] };
    const close = () => { list.hidden = true; active = -1; };
    const accept = item => {
      const pos = input.selectionStart;
      input.value = input.value.slice(0, pos - current.prefix.length) + item + input.value.slice(pos);
      const at = pos - current.prefix.length + item.length;
      input.setSelectionRange(at, at);
      close();
      input.focus();
    };
    let asked = 0;
    input.addEventListener("input", async () => {
      // Answers can arrive out of order: only the one for the latest keystroke is shown.
      const mine = ++asked;
      let found;
      try { found = await suggestions(input.value, input.selectionStart); } catch { found = { prefix: "", items: [] }; }
      if (mine !== asked) return;
      current = found;
      list.replaceChildren(...current.items.map(item => el("li", { textContent: item, onmousedown: e => { e.preventDefault(); accept(item); } })));
      list.hidden = !current.items.length;
      active = -1;
    });
    input.addEventListener("keydown", e => {
      const items = [...list.children];
      if (!list.hidden && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
        e.preventDefault();
        active = (active + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
        items.forEach((li, i) => li.classList.toggle("active", i === active));
      } else if (!list.hidden && (e.key === "Tab" || (e.key === "Enter" && active >= 0))) {
        e.preventDefault();
        accept(items[Math.max(0, active)].textContent);
      } else if (e.key === "Escape") close();
      else if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); close(); run(); }
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
    const row = el("div", { className: "query-row", "data-ref": refId },
      el("span", { className: "query-ref", textContent: refId }),
      el("div", { className: "expr-wrap" }, input, list),
      remove ? el("button", { type: "button", className: "remove-query", textContent: "×", "aria-label": `Remove query ${refId}`, onclick: remove }) : null);
    return { row, input };
  }

  // Query history, kept in this browser (Grafana Explore's Query history): newest first, at most 50.
  const HISTORY_KEY = "mlobs.explore.history";
  function history() { try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch { return []; } }
  function remember(exprs, kind) {
    let h = history();
    for (const expr of exprs) { h = h.filter(x => !(x.expr === expr && x.kind === kind)); h.unshift({ expr, kind, at: Date.now() }); }
    try { localStorage.setItem(HISTORY_KEY, JSON.stringify(h.slice(0, 50))); } catch { /* private mode: not kept */ }
  }

  /**
   * Explore: several PromQL queries on one chart (A, B, ...), Graph or Table, Grafana's time picker, the query
   * history, and a split view with a LogQL query beside over the same time range. URL: expr= (one per query),
   * tab, from, to, step, stacked, logs= (the split's LogQL).
   */
  async function page(root, params) {
    const state = { fromText: params.get("from") || "now-1h", toText: params.get("to") || "now", timeZone: params.get("timezone") || "browser", refresh: "" };
    Templating.settings.timeZone = state.timeZone;
    const exprs = params.getAll("expr");
    const step = el("input", { className: "step", value: params.get("step") || "", size: 5, placeholder: "auto", title: "step: 15s, 1m", "aria-label": "Step" });
    const stacked = el("input", { type: "checkbox", className: "stacked", checked: params.get("stacked") === "1" });
    const tab = el("select", { className: "tab", "aria-label": "Result as" }, el("option", { value: "graph", textContent: "Graph" }), el("option", { value: "table", textContent: "Table" }));
    tab.value = params.get("tab") === "table" ? "table" : "graph";
    const queries = el("div", { className: "queries" });
    const editors = [];
    const form = el("form", { className: "explore" });
    const run = () => form.requestSubmit();
    const addQuery = value => {
      const refId = String.fromCharCode(65 + editors.length);
      const editor = queryEditor(refId, value, run, editors.length ? () => { editors.splice(editors.indexOf(editor), 1); editor.row.remove(); relabel(); run(); } : null);
      editors.push(editor);
      queries.append(editor.row);
      return editor;
    };
    const relabel = () => editors.forEach((e, i) => { const r = String.fromCharCode(65 + i); e.row.dataset.ref = r; e.row.querySelector(".query-ref").textContent = r; e.input.setAttribute("aria-label", `Query ${r}`); });
    for (const x of exprs.length ? exprs : [""]) addQuery(x);
    const timeSlot = el("div", { className: "explore-time" });
    const historyBox = el("div", { className: "query-history" });
    historyBox.hidden = true;
    const historyButton = el("button", { type: "button", className: "history-toggle", textContent: "Query history", "aria-expanded": "false",
      onclick: () => { historyBox.hidden = !historyBox.hidden; historyButton.setAttribute("aria-expanded", String(!historyBox.hidden)); drawHistory(); } });
    const splitButton = el("button", { type: "button", className: "split-toggle", textContent: params.has("logs") ? "Close split" : "Split: logs beside" });
    form.append(queries,
      el("div", { className: "controls" },
        el("button", { type: "button", className: "add-query", textContent: "+ Add query", onclick: () => { addQuery("").input.focus(); } }),
        tab, " step ", step, el("label", {}, stacked, " stacked"), el("button", { type: "submit", textContent: "Run query" }), historyButton, splitButton, timeSlot),
      historyBox);
    const out = el("div", { className: "explore-out" });
    const metricsPane = el("div", { className: "explore-pane" }, form, out);
    const panes = el("div", { className: "explore-split" }, metricsPane);
    root.append(el("h2", { textContent: "Explore" }), panes);

    // The split: a LogQL query over the same time range, its level histogram and lines.
    let logsPane = null;
    const logsInput = el("textarea", { className: "expr-input logql-input", rows: 2, spellcheck: false, value: params.get("logs") || "", placeholder: '{service="model-server"} |= "error"', "aria-label": "LogQL query" });
    logsInput.addEventListener("keydown", e => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); run(); } });
    const openSplit = () => {
      logsPane = el("div", { className: "explore-pane logs-pane" },
        el("form", { className: "explore", onsubmit: e => { e.preventDefault(); run(); } }, el("div", { className: "query-row" }, el("span", { className: "query-ref", textContent: "Logs" }), el("div", { className: "expr-wrap" }, logsInput))),
        el("div", { className: "log-histogram" }), el("div", { className: "log-status muted" }), el("div", { className: "log-out" }));
      panes.append(logsPane);
      panes.classList.add("split");
      splitButton.textContent = "Close split";
    };
    splitButton.addEventListener("click", () => {
      if (logsPane) { logsPane.remove(); logsPane = null; panes.classList.remove("split"); splitButton.textContent = "Split: logs beside"; logsInput.value = ""; run(); }
      else { openSplit(); logsInput.focus(); }
    });
    if (params.has("logs")) openSplit();

    const drawHistory = () => {
      const h = history();
      historyBox.replaceChildren(el("h4", { textContent: "Query history (this browser)" }), h.length ? el("ul", {}, ...h.map(x => el("li", {},
        el("button", { type: "button", className: "history-item", title: "Run this query", onclick: () => {
          if (x.kind === "logql") { if (!logsPane) openSplit(); logsInput.value = x.expr; } else editors[0].input.value = x.expr;
          historyBox.hidden = true; historyButton.setAttribute("aria-expanded", "false"); run();
        } }, el("code", { textContent: x.expr })),
        el("span", { className: "muted", textContent: ` ${x.kind === "logql" ? "LogQL" : "PromQL"} · ${Overview.age(Date.now() - x.at)} ago` })))) : Dom.notice("No queries run yet."));
    };

    let timer = null;
    const drawTime = () => timeSlot.replaceChildren(TimePicker.create(state, {
      onApply: r => { state.fromText = r.from; state.toText = r.to; run(); },
      onZone: z => { state.timeZone = z; Templating.settings.timeZone = z; run(); },
      onRefresh: every => { state.refresh = every; clearInterval(timer); const ms = every && Templating.parseDuration(every); timer = ms ? Pages.every(ms, run) : null; },
      onRefreshNow: run,
    }));

    const runMetrics = async (list, now) => {
      const startMs = Templating.parseTime(state.fromText, now), endMs = Templating.parseTime(state.toText, now, true);
      if (startMs === null || endMs === null || endMs <= startMs) { out.replaceChildren(Dom.notice(`invalid time range ${state.fromText} to ${state.toText}`, "notice error")); return; }
      if (!list.length) { out.replaceChildren(); return; }
      const rangeMs = endMs - startMs;
      out.replaceChildren(Dom.notice("Loading…", "notice loading"));
      const stepS = step.value ? Templating.parseDuration(step.value) / 1000 : Math.max(1, Math.round(rangeMs / 1000 / 250));
      const results = await Promise.all(list.map(async q => {
        try { return { ...q, data: tab.value === "table" ? await Api.instant(q.expr, endMs / 1000) : await Api.range(q.expr, startMs / 1000, endMs / 1000, stepS) }; }
        catch (e) { return { ...q, error: e.message }; }
      }));
      out.replaceChildren();
      for (const r of results.filter(r => r.error)) out.append(el("div", { className: "query-failed", "data-ref": r.refId }, list.length > 1 ? el("strong", { textContent: `Query ${r.refId}` }) : null, errorAt(r.expr, r.error)));
      const ok = results.filter(r => r.data);
      if (tab.value === "table") { for (const r of ok) out.append(list.length > 1 ? el("h4", { textContent: `Query ${r.refId}` }) : "", instantTable(r.data)); return; }
      if (!ok.length) return;
      const series = ok.flatMap(r => r.data.result.map(s => ({ name: (list.length > 1 ? r.refId + ": " : "") + Format.legend(s.metric), metric: s.metric, values: s.values })));
      const chart = el("div", { className: "explore-chart" });
      out.prepend(chart);
      Charts.timeSeries(chart, series, { stacked: stacked.checked, height: 360, from: startMs / 1000, to: endMs / 1000, stepS, tooltip: { mode: "multi", sort: "desc" }, timeZone: state.timeZone,
        onZoom: (a, b) => { state.fromText = String(Math.round(a)); state.toText = String(Math.round(b)); run(); } });
      if (!series.length) out.append(Dom.notice("Empty query result"));
    };

    const runLogs = async (query, now) => {
      if (!logsPane) return;
      const [chart, status, lines] = [...logsPane.children].slice(1);
      if (!query) { chart.replaceChildren(); status.textContent = ""; lines.replaceChildren(); return; }
      const fromMs = Templating.parseTime(state.fromText, now), toMs = Templating.parseTime(state.toText, now, true);
      try {
        const entries = await Logs.lines(query, fromMs, toMs, 100, false);
        status.textContent = `${entries.length} lines${entries.length >= 100 ? " (limit reached)" : ""}, newest first`;
        lines.replaceChildren(Logs.list(entries, { showLabels: true }));
        await Logs.histogram(chart, query, fromMs, toMs).catch(e => chart.replaceChildren(Dom.notice(e.message, "notice error")));
      } catch (e) { chart.replaceChildren(); status.textContent = ""; lines.replaceChildren(errorAt(query, e.message)); }
    };

    form.addEventListener("submit", async e => {
      e.preventDefault();
      const list = editors.map((ed, i) => ({ refId: String.fromCharCode(65 + i), expr: ed.input.value.trim() })).filter(q => q.expr);
      const logs = logsPane ? logsInput.value.trim() : null;
      const p = new URLSearchParams();
      for (const q of list.length ? list : [{ expr: "" }]) p.append("expr", q.expr);
      p.set("tab", tab.value); p.set("from", state.fromText); p.set("to", state.toText);
      if (step.value) p.set("step", step.value);
      if (stacked.checked) p.set("stacked", "1");
      if (state.timeZone !== "browser") p.set("timezone", state.timeZone);
      if (logs !== null) p.set("logs", logs);
      window.history.replaceState(null, "", location.pathname + "?" + p); // /graph or Grafana's /explore
      drawTime();
      if (list.length) remember(list.map(q => q.expr).reverse(), "promql");
      if (logs) remember([logs], "logql");
      const now = Date.now();
      await Promise.all([runMetrics(list, now), runLogs(logs, now)]);
    });
    tab.addEventListener("change", run);
    stacked.addEventListener("change", run);
    drawTime();
    if (exprs.some(Boolean) || params.get("logs")) run();
  }

  function instantTable(data) {
    const t = el("table", { className: "data" }, el("thead", {}, el("tr", {}, el("th", { textContent: "Series" }), el("th", { textContent: "Value" }))));
    const body = el("tbody");
    if (data.resultType === "vector") for (const s of data.result) body.append(el("tr", {}, el("td", { textContent: Format.legend(s.metric) }), el("td", { textContent: s.value[1] })));
    else if (data.resultType === "matrix") for (const s of data.result) body.append(el("tr", {}, el("td", { textContent: Format.legend(s.metric) }), el("td", { textContent: s.values.map(v => `${v[1]} @${v[0]}`).join("\n") })));
    else body.append(el("tr", {}, el("td", { textContent: data.resultType }), el("td", { textContent: String(data.result[1]) })));
    t.append(body);
    if (!body.children.length) return Dom.notice("Empty query result");
    return t;
  }

  return { page, suggestions, errorAt };
})();
