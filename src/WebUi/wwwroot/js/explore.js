// Explore: a PromQL box with autocomplete (metric names, functions, label names and values), instant table and
// range chart, time range (relative like now-1h, or absolute) and step, stacked/lines, errors shown at their position, and a shareable URL.
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

  async function page(root, params) {
    const input = el("textarea", { className: "expr-input", rows: 2, placeholder: 'Expression (press Shift+Enter for newlines)', value: params.get("expr") || "", spellcheck: false });
    const list = el("ul", { className: "suggestions", hidden: true });
    const fromInput = el("input", { className: "from", value: params.get("from") || "now-1h", size: 14, title: "from: now-1h, Unix seconds or RFC 3339" });
    const toInput = el("input", { className: "to", value: params.get("to") || "now", size: 14, title: "to: now, Unix seconds or RFC 3339" });
    const presets = el("select", { className: "time-preset", title: "quick ranges", onchange: () => { if (presets.value) { fromInput.value = presets.value; toInput.value = "now"; presets.value = ""; form.requestSubmit(); } } },
      el("option", { value: "", textContent: "Quick range" }), ...["now-5m", "now-15m", "now-1h", "now-6h", "now-24h", "now-7d"].map(v => el("option", { value: v, textContent: "Last " + v.slice(4) })));
    const step = el("input", { className: "step", value: params.get("step") || "", size: 5, placeholder: "auto", title: "step: 15s, 1m" });
    const stacked = el("input", { type: "checkbox", className: "stacked", checked: params.get("stacked") === "1" });
    const tab = el("select", { className: "tab" }, el("option", { value: "graph", textContent: "Graph" }), el("option", { value: "table", textContent: "Table" }));
    tab.value = params.get("tab") === "table" ? "table" : "graph";
    const out = el("div", { className: "explore-out" });
    const form = el("form", { className: "explore" },
      el("div", { className: "expr-wrap" }, input, list),
      el("div", { className: "controls" }, tab, presets, " from ", fromInput, " to ", toInput, " step ", step, el("label", {}, stacked, " stacked"), el("button", { type: "submit", textContent: "Execute" })));
    root.append(el("h2", { textContent: "Explore" }), form, out);

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
      else if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); close(); form.requestSubmit(); }
    });
    input.addEventListener("blur", () => setTimeout(close, 100));

    const run = async () => {
      const expr = input.value.trim();
      const p = new URLSearchParams({ expr, tab: tab.value, from: fromInput.value, to: toInput.value });
      if (step.value) p.set("step", step.value);
      if (stacked.checked) p.set("stacked", "1");
      history.replaceState(null, "", location.pathname + "?" + p); // /graph or Grafana's /explore
      if (!expr) { out.replaceChildren(); return; }
      const now = Date.now();
      const startMs = Templating.parseTime(fromInput.value, now), endMs = Templating.parseTime(toInput.value, now);
      if (startMs === null || endMs === null || endMs <= startMs) { out.replaceChildren(Dom.notice(`invalid time range ${fromInput.value} to ${toInput.value}`, "notice error")); return; }
      const rangeMs = endMs - startMs;
      out.replaceChildren(Dom.notice("Loading…", "notice loading"));
      try {
        if (tab.value === "table") {
          const data = await Api.instant(expr, endMs / 1000);
          out.replaceChildren(instantTable(data));
        } else {
          const stepS = step.value ? Templating.parseDuration(step.value) / 1000 : Math.max(1, Math.round(rangeMs / 1000 / 250));
          const data = await Api.range(expr, (endMs - rangeMs) / 1000, endMs / 1000, stepS);
          const series = data.result.map(s => ({ name: Format.legend(s.metric), metric: s.metric, values: s.values }));
          const chart = el("div", { className: "explore-chart" });
          out.replaceChildren(chart);
          Charts.timeSeries(chart, series, { stacked: stacked.checked, height: 360, from: (endMs - rangeMs) / 1000, to: endMs / 1000, stepS });
          if (!series.length) out.append(Dom.notice("Empty query result"));
        }
      } catch (e) {
        out.replaceChildren(errorAt(expr, e.message));
      }
    };
    form.addEventListener("submit", e => { e.preventDefault(); run(); });
    tab.addEventListener("change", run);
    stacked.addEventListener("change", run);
    if (input.value) await run();
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
