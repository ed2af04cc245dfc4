// Panel renderers by Grafana panel type. Each gets the panel JSON, a body element and the query frames
// ([{refId, legendFormat, data: {resultType, result}, error}]); anything unsupported says so in the panel.
"use strict";

const Panels = (() => {
  const SVG = "http://www.w3.org/2000/svg";

  /** fieldConfig.defaults, with a legacy panel's fields (format, decimals, thresholds "a,b", colors) mapped in. */
  function fieldDefaults(panel) {
    const d = Object.assign({}, panel.fieldConfig && panel.fieldConfig.defaults);
    if (panel.type === "singlestat" || panel.type === "graph") {
      const y = panel.yaxes && panel.yaxes[0];
      d.unit = d.unit || Format.legacyUnit(panel.format || (y && y.format));
      if (d.decimals === undefined && panel.decimals !== undefined && panel.decimals !== null) d.decimals = panel.decimals;
      if (y && y.min !== undefined && y.min !== null && d.min === undefined) d.min = Number(y.min);
      if (y && y.max !== undefined && y.max !== null && d.max === undefined) d.max = Number(y.max);
      if (!d.thresholds && typeof panel.thresholds === "string" && panel.thresholds.trim()) {
        const colors = panel.colors || ["green", "orange", "red"];
        const values = panel.thresholds.split(",").map(Number);
        d.thresholds = { mode: "absolute", steps: [{ color: colors[0], value: null }, ...values.map((v, i) => ({ color: colors[Math.min(i + 1, colors.length - 1)], value: v }))] };
      }
      if (!d.mappings) d.mappings = Format.legacyMappings(panel);
    }
    return d;
  }

  const legendOf = (metric, f) => Format.legend(metric, f.legendFormat);
  const transformed = panel => Array.isArray(panel && panel.transformations) && panel.transformations.some(t => !t.disabled);

  /** The panel's data frames after its transformations (Transforms), or null when it has none. */
  function dataFrames(frames, panel) {
    if (!transformed(panel)) return null;
    return Transforms.apply(Transforms.fromQueries(frames, legendOf), panel.transformations).frames;
  }

  /**
   * Every series of every frame as {name, metric, values: [[t, v]...]} (instant results become one point); with
   * transformations, the series of the transformed frames.
   */
  function seriesOf(frames, panel) {
    const tf = dataFrames(frames, panel);
    if (tf) return Transforms.toSeries(tf);
    const out = [];
    for (const f of frames) {
      if (!f.data) continue;
      const { resultType, result } = f.data;
      if (resultType === "matrix") for (const s of result) out.push(named(s, Format.legend(s.metric, f.legendFormat)));
      else if (resultType === "vector") for (const s of result) out.push({ name: Format.legend(s.metric, f.legendFormat), metric: s.metric, values: [s.value] });
      else if (resultType === "scalar") out.push({ name: f.refId, metric: {}, values: [result] });
    }
    return out;
  }

  /** A matrix series under its legend name; one over columns (Frames) keeps them, its pairs still made on demand. */
  function named(s, name) {
    return s.times ? { name, metric: s.metric, times: s.times, nums: s.nums, get values() { return s.values; } } : { name, metric: s.metric, values: s.values };
  }

  /** How many points a series has, without making pairs of a series over columns. */
  const pointCount = s => (s.times || s.values).length;

  function calcOf(panel) {
    const calcs = panel.options && panel.options.reduceOptions && panel.options.reduceOptions.calcs;
    if (calcs && calcs.length) return calcs[0];
    return panel.valueName || "lastNotNull";
  }

  function reduced(panel, frames) {
    const calc = calcOf(panel);
    return seriesOf(frames, panel).map(s => ({ ...s, value: Format.reduce(s.values.map(([t, v]) => [t, Number(v)]), calc) }));
  }

  /** A value's text and color: mapping first, then unit and thresholds. */
  function display(d, v) {
    const mapped = v === null ? Format.mapValue(d.mappings, null) : Format.mapValue(d.mappings, v);
    const text = mapped && mapped.text !== undefined ? mapped.text : Format.value(v, d.unit, d.decimals);
    const color = mapped && mapped.color ? Format.color(mapped.color) : v === null ? "#999" : Format.thresholdColor(d.thresholds, v, d.min, d.max);
    return { text, color };
  }

  function timeseries(panel, body, frames, ctx) {
    const d = fieldDefaults(panel);
    const custom = d.custom || {};
    const stacked = (custom.stacking && custom.stacking.mode && custom.stacking.mode !== "none") || panel.stack === true;
    const bars = custom.drawStyle === "bars" || (panel.type === "graph" && panel.bars === true && panel.lines !== true);
    const series = seriesOf(frames, panel).filter(pointCount);
    const overrideColors = series.map(s => {
      for (const o of (panel.fieldConfig && panel.fieldConfig.overrides) || []) {
        if (o.matcher && o.matcher.id === "byName" && o.matcher.options === s.name)
          for (const p of o.properties || []) if (p.id === "color" && p.value && p.value.fixedColor) return Format.color(p.value.fixedColor);
      }
      return null;
    });
    const legacyFill = panel.type === "graph" && panel.fill !== undefined ? panel.fill * 10 : undefined;
    const links = fieldLinks(d);
    Charts.timeSeries(body, series, {
      unit: d.unit, decimals: d.decimals, min: d.min, max: d.max, stacked: ctx.stackedOverride ?? stacked, bars,
      colors: overrideColors.map((c, i) => c || Format.seriesColor(i)), from: ctx.from, to: ctx.to, stepS: ctx.stepS,
      fit: true, legend: Legend.options(panel), tooltip: Tooltip.options(panel), onZoom: ctx.onZoom, timeZone: ctx.timeZone, annotations: ctx.annotations,
      onPointClick: links.length ? (si, idx, x, y) => {
        // idx is the chart's aligned time index: the series' own sample at that time is the value.
        const s = series[si];
        const t = body.querySelector(".viz").chart.data[0][idx];
        const raw = (s.values.find(p => Number(p[0]) === t) || [t, null])[1];
        DataLinks.menu(links.map(l => DataLinks.anchor(l, linkContext(ctx, s, raw, t * 1000), "data-link")), x, y);
      } : undefined,
      fillOpacity: custom.fillOpacity ?? legacyFill, lineWidth: custom.lineWidth ?? (panel.type === "graph" ? panel.linewidth : undefined),
    });
  }

  /** fieldConfig.defaults.links (data links) that have somewhere to go. */
  function fieldLinks(d) { return (d.links || []).filter(l => l && l.url); }

  function linkContext(ctx, s, raw, timeMs) {
    return { vars: ctx.vars || {}, from: Math.round(ctx.from * 1000), to: Math.round(ctx.to * 1000), series: { name: s.name, labels: s.metric || {} }, field: { name: s.name }, value: { raw, time: timeMs } };
  }

  /**
   * Rows × columns for n equal cells in a W × H box, the cells as close to the given aspect (width / height) as
   * possible, as Grafana lays out a stat or gauge panel's values ("auto" orientation).
   */
  function cellGrid(n, W, H, aspect) {
    let best = { cols: 1, rows: n, score: -1 };
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols), w = W / cols, h = H / rows;
      const score = Math.min(w, h * aspect) - (cols * rows - n) * 0.01;
      if (score > best.score) best = { cols, rows, score };
    }
    return best;
  }

  function gridBox(n, W, H, aspect) {
    const { cols, rows } = cellGrid(n, W, H, aspect);
    const wrap = Dom.el("div", { className: "stat-grid", style: { gridTemplateColumns: `repeat(${cols}, 1fr)`, gridTemplateRows: `repeat(${rows}, 1fr)` } });
    return { wrap, cellW: W / cols, cellH: H / rows };
  }

  /** A stat's sparkline (options.graphMode "area", Grafana's default): the series as a filled line under the value. */
  function sparkline(values, color) {
    const pts = values.map(([t, v]) => [Number(t), Number(v)]).filter(([, v]) => Number.isFinite(v));
    if (pts.length < 2) return null;
    let lo = Infinity, hi = -Infinity;
    for (const [, v] of pts) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const t0 = pts[0][0], t1 = pts[pts.length - 1][0], span = t1 - t0 || 1, range = hi - lo || 1;
    // A flat series is a line across the middle, as in Grafana.
    const y = v => (hi === lo ? 50 : 100 - ((v - lo) / range) * 90 - 5);
    const line = pts.map(([t, v]) => `${(((t - t0) / span) * 100).toFixed(2)},${y(v).toFixed(2)}`).join(" ");
    const g = svg("svg", { class: "sparkline", viewBox: "0 0 100 100", preserveAspectRatio: "none", "aria-hidden": "true" });
    g.append(svg("polygon", { points: `0,100 ${line} 100,100`, fill: color, "fill-opacity": 0.18, stroke: "none" }));
    g.append(svg("polyline", { points: line, fill: "none", stroke: color, "stroke-width": 1.5, "vector-effect": "non-scaling-stroke" }));
    return g;
  }

  function stat(panel, body, frames, ctx) {
    const d = fieldDefaults(panel);
    if (panel.type === "singlestat" && panel.gauge && panel.gauge.show) return gauge(panel, body, frames);
    const values = reduced(panel, frames);
    body.replaceChildren();
    if (!values.length) { body.append(Dom.notice("No data")); return; }
    // options.colorMode: "value" (the default) colors the number, "background" the cell, "none" neither.
    const o = panel.options || {};
    const mode = o.colorMode || (panel.type === "singlestat" ? (panel.colorBackground ? "background" : panel.colorValue ? "value" : "none") : "value");
    const graph = panel.type === "singlestat" ? !!(panel.sparkline && panel.sparkline.show) : (o.graphMode || "area") === "area";
    const width = body.clientWidth || 200, height = body.clientHeight || 100;
    const { wrap, cellW, cellH } = gridBox(values.length, width, height, 2.5);
    for (const s of values) {
      const { text, color } = display(d, s.value);
      const shown = (panel.prefix || "") + text + (panel.postfix || "");
      const named = values.length > 1 || o.textMode === "value_and_name";
      // In background mode the cell darkens until white text reads on it; in value mode the number is made readable on the panel.
      const style = mode === "background" ? { background: Format.readable(color, "#ffffff", 4.5), color: "#fff" } : mode === "none" ? {} : { color: Format.readable(color) };
      // Grafana fits the number to the cell: as large as it allows, leaving room for the name and the sparkline.
      const room = cellH - (named ? 16 : 0) - 6;
      const size = Math.max(10, Math.min(room * (graph ? 0.55 : 0.7), (cellW * 0.9) / Math.max(2, shown.length * 0.6), 64));
      const spark = graph && s.values.length > 1 ? sparkline(s.values, mode === "background" ? "#ffffff" : color) : null;
      const links = fieldLinks(d);
      // With data links the value is a control: a click (or Enter) offers the links, as Grafana's stat does.
      const open = e => { const r = e.currentTarget.getBoundingClientRect(); DataLinks.menu(links.map(l => DataLinks.anchor(l, linkContext(ctx || {}, s, s.value, Date.now()), "data-link")), r.left + r.width / 2, r.top + r.height / 2); };
      wrap.append(Dom.el("div", { className: "stat" + (spark ? " with-graph" : "") + (links.length ? " has-links" : "") + (mode === "background" ? " colored" : ""), style,
        ...(links.length ? { tabIndex: 0, role: "button", "aria-label": `${s.name}: ${shown}, links`, onclick: open, onkeydown: e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(e); } } } : {}) },
        spark,
        Dom.el("div", { className: "stat-value", textContent: shown, style: { fontSize: size.toFixed(0) + "px" } }),
        named ? Dom.el("div", { className: "stat-name", textContent: s.name, title: s.name }) : null));
    }
    body.append(wrap);
  }

  function arc(cx, cy, r, a0, a1) {
    const p = a => [cx + r * Math.cos(a), cy + r * Math.sin(a)];
    const [x0, y0] = p(a0), [x1, y1] = p(a1);
    return `M ${x0} ${y0} A ${r} ${r} 0 ${a1 - a0 > Math.PI ? 1 : 0} 1 ${x1} ${y1}`;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  }

  function gauge(panel, body, frames) {
    const d = fieldDefaults(panel);
    const min = d.min ?? (panel.gauge && panel.gauge.minValue) ?? 0;
    const max = d.max ?? (panel.gauge && panel.gauge.maxValue) ?? (d.unit === "percentunit" ? 1 : 100);
    const values = reduced(panel, frames);
    body.replaceChildren();
    if (!values.length) { body.append(Dom.notice("No data")); return; }
    const { wrap } = gridBox(values.length, body.clientWidth || 200, body.clientHeight || 100, 1.5);
    for (const s of values) {
      const { text, color } = display(d, s.value);
      const g = svg("svg", { viewBox: "0 0 200 152", class: "gauge" });
      const track = getComputedStyle(document.documentElement).getPropertyValue("--gauge-track").trim() || "#eee";
      const start = Math.PI * 0.75, span = Math.PI * 1.5;
      g.append(svg("path", { d: arc(100, 90, 70, start, start + span), stroke: track, "stroke-width": 18, fill: "none" }));
      const frac = s.value === null ? 0 : Math.max(0, Math.min(1, (s.value - min) / ((max - min) || 1)));
      if (frac > 0) g.append(svg("path", { d: arc(100, 90, 70, start, start + span * frac), stroke: color, "stroke-width": 18, fill: "none" }));
      const t = svg("text", { x: 100, y: 98, "text-anchor": "middle", "font-size": 24, fill: Format.readable(color) });
      t.textContent = text;
      g.append(t);
      wrap.append(Dom.el("div", { className: "stat gauge-cell" }, g, values.length > 1 ? Dom.el("div", { className: "stat-name", textContent: s.name, title: s.name }) : null));
    }
    body.append(wrap);
  }

  function bargauge(panel, body, frames) {
    const d = fieldDefaults(panel);
    const values = reduced(panel, frames);
    body.replaceChildren();
    if (!values.length) { body.append(Dom.notice("No data")); return; }
    const min = d.min ?? 0;
    const max = d.max ?? Math.max(...values.map(s => s.value ?? 0), 1);
    // A narrow panel puts each name above its bar, as Grafana's bar gauge does when the text would crowd the bar.
    const narrow = body.clientWidth < 280;
    const list = Dom.el("div", { className: "bargauge" + (narrow ? " narrow" : "") });
    body.append(list);
    // Rows share the height (Grafana shrinks them); below the minimum the last ones are counted instead.
    const rowH = Math.max(narrow ? 26 : 12, Math.min(narrow ? 48 : 40, (body.clientHeight - 4) / values.length - 4));
    list.style.setProperty("--bar-height", rowH.toFixed(0) + "px");
    for (const s of values) {
      const { text, color } = display(d, s.value);
      const frac = s.value === null ? 0 : Math.max(0, Math.min(1, (s.value - min) / ((max - min) || 1)));
      list.append(Dom.el("div", { className: "bar-row" },
        Dom.el("span", { className: "bar-name", textContent: s.name }),
        Dom.el("span", { className: "bar-track" }, Dom.el("span", { className: "bar-fill", style: { width: (frac * 100).toFixed(1) + "%", background: color } })),
        Dom.el("span", { className: "bar-value", textContent: text, style: { color: Format.readable(color, null, 4.5) } })));
    }
    Dom.trim(list, [...list.children], () => list.scrollHeight > body.clientHeight + 0.5, Dom.el("div", { className: "legend-more muted" }));
  }

  /** A table of the series' labels and last values; rows that do not fit are paged (Grafana's footer pagination). */
  function table(panel, body, frames, ctx) {
    const d = fieldDefaults(panel);
    const tf = dataFrames(frames, panel);
    if (tf) return frameTable(panel, body, tf, d, ctx);
    const rows = reduced({ ...panel, transformations: undefined, options: { reduceOptions: { calcs: ["lastNotNull"] } } }, frames);
    body.replaceChildren();
    if (!rows.length) { body.append(Dom.notice("No data")); return; }
    const names = [...new Set(rows.flatMap(r => Object.keys(r.metric)))].sort();
    const row = r => {
      const { text, color } = display(d, r.value);
      return Dom.el("tr", {}, ...names.map(n => Dom.el("td", { textContent: r.metric[n] ?? "" })), Dom.el("td", { textContent: text, style: { color: Format.readable(color, null, 4.5) } }));
    };
    pagedTable(body, [...names, "Value"], rows, row);
  }

  /** Transformed frames as Grafana's table shows them: the fields as columns (a choice of frame when several). */
  function frameTable(panel, body, tf, d, ctx) {
    body.replaceChildren();
    const frames = tf.filter(f => f.fields.length && f.fields[0].values.length);
    if (!frames.length) { body.append(Dom.notice("No data")); return; }
    let chosen = 0;
    const drawFrame = () => {
      const fr = frames[chosen];
      const n = fr.fields[0].values.length;
      const cell = (f, i) => {
        const v = f.values[i];
        if (f.type === "time") return Dom.el("td", { textContent: TimePicker.format(v, ctx && ctx.timeZone) });
        if (f.type === "number") { const { text, color } = display(d, v); return Dom.el("td", { textContent: text, style: { color: Format.readable(color, null, 4.5) } }); }
        return Dom.el("td", { textContent: v ?? "" });
      };
      const picker = frames.length > 1 ? Dom.el("select", { className: "frame-select", "aria-label": "Series to show", onchange: e => { chosen = Number(e.target.value); drawFrame(); } },
        ...frames.map((f, i) => Dom.el("option", { value: i, textContent: f.name || f.refId || `frame ${i + 1}`, selected: i === chosen }))) : null;
      body.replaceChildren();
      // A time column keeps its full width when the panel has room for it; the other columns share the rest.
      const widths = body.clientWidth > 360 ? fr.fields.map(f => (f.type === "time" ? "10.5rem" : null)) : null;
      pagedTable(body, fr.fields.map(f => f.name), [...Array(n).keys()], i => Dom.el("tr", {}, ...fr.fields.map(f => cell(f, i))), picker, widths);
    };
    drawFrame();
  }

  /** A table of rows in the panel's body; rows that do not fit are paged (Grafana's footer pagination). */
  function pagedTable(body, headers, rows, row, extra, widths) {
    const t = Dom.el("table", { className: "data panel-table" });
    if (widths) t.append(Dom.el("colgroup", {}, ...widths.map(w => Dom.el("col", { style: w ? { width: w } : {} }))));
    t.append(Dom.el("thead", {}, Dom.el("tr", {}, ...headers.map(n => Dom.el("th", { textContent: n })))));
    const tb = Dom.el("tbody");
    t.append(tb);
    body.append(t);
    tb.append(...rows.map(row));
    for (const cell of t.querySelectorAll("td, th")) cell.title = cell.textContent;
    if (t.offsetHeight <= body.clientHeight && !extra) return;
    const pager = Dom.el("div", { className: "table-pager" });
    body.append(pager);
    let perPage = rows.length, page = 0;
    const show = () => {
      const pages = Math.ceil(rows.length / perPage);
      tb.replaceChildren(...rows.slice(page * perPage, (page + 1) * perPage).map(row));
      for (const cell of tb.querySelectorAll("td")) cell.title = cell.textContent;
      pager.replaceChildren(extra || "",
        Dom.el("button", { textContent: "‹", disabled: page === 0, "aria-label": "previous page", onclick: () => { page--; show(); } }),
        ` ${page + 1} / ${pages} (${rows.length} rows) `,
        Dom.el("button", { textContent: "›", disabled: page === pages - 1, "aria-label": "next page", onclick: () => { page++; show(); } }));
    };
    // As many rows a page as fit above the pager.
    show();
    const rowH = tb.firstChild.offsetHeight || 24;
    perPage = Math.max(1, Math.floor((body.clientHeight - pager.offsetHeight - t.tHead.offsetHeight) / rowH));
    show();
    while (perPage > 1 && body.scrollHeight > body.clientHeight + 0.5) { perPage--; show(); }
  }

  function piechart(panel, body, frames) {
    const d = fieldDefaults(panel);
    const values = reduced(panel, frames).filter(s => s.value !== null && s.value > 0);
    body.replaceChildren();
    if (!values.length) { body.append(Dom.notice("No data")); return; }
    const total = values.reduce((a, s) => a + s.value, 0);
    const g = svg("svg", { viewBox: "0 0 200 200", class: "pie" });
    let a = -Math.PI / 2;
    values.forEach((s, i) => {
      const a1 = a + (s.value / total) * Math.PI * 2;
      const large = a1 - a > Math.PI ? 1 : 0;
      const p = values.length === 1
        ? svg("circle", { cx: 100, cy: 100, r: 90, fill: Format.seriesColor(i) })
        : svg("path", { d: `M 100 100 L ${100 + 90 * Math.cos(a)} ${100 + 90 * Math.sin(a)} A 90 90 0 ${large} 1 ${100 + 90 * Math.cos(a1)} ${100 + 90 * Math.sin(a1)} Z`, fill: Format.seriesColor(i) });
      const title = svg("title", {});
      title.textContent = `${s.name}: ${Format.value(s.value, d.unit, d.decimals)}`;
      p.append(title);
      g.append(p);
      a = a1;
    });
    const legend = Dom.el("ul", { className: "pie-legend" }, ...values.map((s, i) => Dom.el("li", {},
      Dom.el("span", { className: "swatch", style: { background: Format.seriesColor(i) } }),
      `${s.name}: ${Format.value(s.value, d.unit, d.decimals)} (${((s.value / total) * 100).toFixed(1)}%)`)));
    body.append(Dom.el("div", { className: "pie-wrap" }, g, legend));
    Dom.trim(legend, [...legend.children], () => legend.scrollHeight > body.clientHeight + 0.5, Dom.el("li", { className: "legend-more muted" }));
  }

  function heatmap(panel, body, frames, ctx) {
    const d = fieldDefaults(panel);
    const series = seriesOf(frames, panel);
    Charts.heatmap(body, series.map(s => ({ metric: s.metric, values: s.values })), {
      unit: (panel.yAxis && panel.yAxis.format) || d.unit, decimals: d.decimals, from: ctx.from, to: ctx.to, stepS: ctx.stepS, height: body.clientHeight, timeZone: ctx.timeZone,
    });
  }

  /** Markdown with every tag escaped first: only headings, emphasis, code, lists and http(s) links come out as HTML. */
  function markdown(text) {
    const esc = s => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    const inline = s => esc(s)
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(/\*([^*]+)\*/g, "<em>$1</em>")
      .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" rel="noopener noreferrer" target="_blank">$1</a>');
    const out = [];
    let list = false;
    for (const line of String(text || "").split("\n")) {
      const h = /^(#{1,6})\s+(.*)$/.exec(line);
      const li = /^\s*[-*]\s+(.*)$/.exec(line);
      if (li) { if (!list) { out.push("<ul>"); list = true; } out.push(`<li>${inline(li[1])}</li>`); continue; }
      if (list) { out.push("</ul>"); list = false; }
      if (h) out.push(`<h${h[1].length}>${inline(h[2])}</h${h[1].length}>`);
      else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
    }
    if (list) out.push("</ul>");
    return out.join("");
  }

  function text(panel, body) {
    const mode = (panel.options && panel.options.mode) || panel.mode || "markdown";
    const content = (panel.options && panel.options.content) ?? panel.content ?? "";
    const div = Dom.el("div", { className: "text-panel" });
    if (mode === "markdown") div.innerHTML = markdown(content);
    else if (mode === "html") { const tmp = document.createElement("template"); tmp.innerHTML = content; div.textContent = tmp.content.textContent; }
    else div.append(Dom.el("pre", { textContent: content }));
    body.replaceChildren(div);
  }

  /** Grafana's logs panel: every target's lines merged, with showTime, wrapLogMessage, sortOrder and enableLogDetails. */
  function logs(panel, body, frames, ctx) {
    const o = panel.options || {};
    const ascending = o.sortOrder === "Ascending";
    const entries = frames.flatMap(f => f.logs || []);
    if (!entries.length) { body.replaceChildren(Dom.notice("No data")); return; }
    entries.sort((a, b) => (BigInt(a.ns) < BigInt(b.ns) ? -1 : BigInt(a.ns) > BigInt(b.ns) ? 1 : 0) * (ascending ? 1 : -1));
    const query = (frames.find(f => f.logs) || {}).expr || "";
    const moreHref = `/logs?${new URLSearchParams({ query, from: String(ctx ? ctx.from : ""), to: String(ctx ? ctx.to : "") })}`;
    const list = Logs.list(entries, { showTime: o.showTime !== false, wrap: !!o.wrapLogMessage, details: o.enableLogDetails !== false, showLabels: !!o.showLabels, fitTo: body, moreHref });
    body.replaceChildren(list);
    list.fit();
  }

  const RENDERERS = { timeseries, graph: timeseries, stat, singlestat: stat, gauge, bargauge, table, piechart, heatmap, text, logs };

  function supported(type) { return Object.prototype.hasOwnProperty.call(RENDERERS, type); }

  function render(panel, body, frames, ctx) {
    if (!supported(panel.type)) { body.replaceChildren(Dom.notice(`unsupported: panel type "${panel.type}"`, "notice unsupported")); return; }
    RENDERERS[panel.type](panel, body, frames, ctx);
  }

  return { render, supported, markdown, seriesOf, dataFrames };
})();
