// Charts: time series with uPlot (lines, bars, stacked), and a canvas heatmap of histogram buckets.
"use strict";

const Charts = (() => {
  /** Aligns range-query series on one time axis (seconds); missing points are null (gaps). */
  function align(series, from, to, stepS) {
    // A range query's series usually share their timestamps: then they are the axis as they are. Series over
    // columns (Frames) give them without [t, "v"] pairs.
    if (series.length && series.every(s => s.times)) {
      const xs = series[0].times;
      if (series.every(s => s.times.length === xs.length && s.times.every((t, i) => t === xs[i]))) return { xs, ys: series.map(s => s.nums) };
    }
    const first = series[0] ? series[0].values : [];
    if (series.every(s => s.values.length === first.length && s.values.every((p, i) => p[0] === first[i][0]))) {
      const finite = v => { const n = Number(v); return Number.isFinite(n) ? n : null; };
      return { xs: first.map(p => p[0]), ys: series.map(s => s.values.map(p => finite(p[1]))) };
    }
    const times = new Set();
    for (const s of series) for (const [t] of s.values) times.add(t);
    const xs = [...times].sort((a, b) => a - b);
    const index = new Map(xs.map((t, i) => [t, i]));
    const ys = series.map(s => {
      const y = new Array(xs.length).fill(null);
      // NaN and ±Inf (e.g. histogram_quantile over empty buckets) are drawn as gaps, as Grafana does.
      for (const [t, v] of s.values) { const n = Number(v); y[index.get(t)] = Number.isFinite(n) ? n : null; }
      return y;
    });
    return { xs, ys };
  }

  /** The value axis: the panel's min/max where set, else the data's, padded so a flat or empty series still has a range. */
  function yRange(lo, hi, opts) {
    let min = opts.min ?? (opts.stacked ? Math.min(0, lo ?? 0) : lo), max = opts.max ?? hi;
    if (!Number.isFinite(min) || !Number.isFinite(max)) { min = Number.isFinite(min) ? min : 0; max = Number.isFinite(max) ? max : min + 1; }
    if (max <= min) { const pad = Math.abs(min) * 0.1 || 1; min -= opts.min === undefined ? pad : 0; max = min + 2 * pad; }
    return [min, max];
  }

  /**
   * Grafana's time-axis labels (24-hour clock): seconds when ticks are seconds apart, dates when days apart; in
   * the dashboard's zone ("browser", "utc" or an IANA name).
   */
  function timeTicks(timeZone) {
    return (u, splits, axisIdx, space, incr) => splits.map(t => {
      const p = TimePicker.parts(t * 1000, timeZone);
      if (incr < 60) return `${p.hour}:${p.minute}:${p.second}`;
      if (incr < 86400) return p.hour === "00" && p.minute === "00" ? `${p.month}/${p.day}` : `${p.hour}:${p.minute}`;
      return `${p.month}/${p.day}`;
    });
  }

  /**
   * Axis, grid and text colours of the current theme (CSS custom properties), read once per theme: reading them
   * makes the browser compute styles, and a dashboard draws dozens of charts in a row.
   */
  const themeCache = new Map();
  function themeColors() {
    const key = document.documentElement.dataset.theme || "";
    if (themeCache.has(key)) return themeCache.get(key);
    const css = getComputedStyle(document.documentElement);
    const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    const colors = { axis: v("--chart-axis", "#666"), grid: v("--chart-grid", "#eee"), text: v("--text", "#1f2328") };
    themeCache.set(key, colors);
    return colors;
  }

  /** A label's width in a canvas font, measured once per font and text for every chart of the page. */
  const widths = new Map();
  let measure = null;
  function textWidth(font, text) {
    const key = font + "|" + text;
    let w = widths.get(key);
    if (w === undefined) {
      measure ??= document.createElement("canvas").getContext("2d");
      if (measure.font !== font) measure.font = font;
      w = measure.measureText(text).width;
      if (widths.size > 10000) widths.clear();
      widths.set(key, w);
    }
    return w;
  }

  /**
   * Draws series [{name, values: [[t, "v"], ...]}] into el with uPlot and a legend (Legend). opts: unit, decimals,
   * stacked, bars, min, max, colors (per series), from/to/stepS (seconds), legend ({mode, placement, calcs, ...} or
   * false), tooltip ({mode, sort}), onZoom(fromS, toS) for a drag across the chart, fillOpacity, lineWidth.
   * With opts.fit the chart and its legend take exactly el's box (a dashboard panel: nothing scrolls, the legend
   * gives up entries rather than overflow); otherwise the plot is opts.height tall and the legend goes below it.
   */
  function timeSeries(el, series, opts) {
    el.replaceChildren();
    if (!series.length) { el.append(Dom.notice("No data")); return null; }
    const boxW = Math.max(120, el.clientWidth || 300), boxH = el.clientHeight;
    const { xs, ys } = align(series, opts.from, opts.to, opts.stepS);
    let data = ys;
    if (opts.stacked) {
      const acc = new Array(xs.length).fill(0);
      data = ys.map(y => { const out = y.map((v, i) => (v === null ? null : (acc[i] += v))); out.raw = y; return out; });
    }
    const fmt = v => Format.value(v, opts.unit, opts.decimals);
    const colors = series.map((s, i) => (opts.colors && opts.colors[i]) || Format.seriesColor(i));
    const lg = opts.legend === false ? { mode: "hidden" } : Object.assign({ mode: "list", placement: "bottom", calcs: [] }, opts.legend);
    const wrap = Dom.el("div", { className: `viz legend-${lg.placement}` });
    const plot = Dom.el("div", { className: "viz-plot" });
    wrap.append(plot);
    el.append(wrap);
    let u = null;
    let legend = null;
    if (lg.mode !== "hidden" && lg.mode !== false) {
      legend = Legend.build(series.map((s, i) => ({ index: i, name: s.name, color: colors[i], values: ys[i] })), lg, fmt,
        shown => { if (u) shown.forEach((show, i) => u.setSeries(i + 1, { show })); });
      wrap.append(legend);
    }
    // The plot's size: the box less the legend (bottom: at most 40% of the height; right: its width, at most 40%).
    let width = boxW, height = Math.max(60, opts.height || 200);
    if (opts.fit) {
      height = boxH;
      if (legend && lg.placement === "right") {
        legend.style.width = Math.min(boxW * 0.4, Math.max(lg.width || 0, legend.offsetWidth)) + "px";
        Legend.fit(legend, boxH);
        width = boxW - legend.offsetWidth;
      } else if (legend) {
        Legend.fit(legend, Math.floor(boxH * 0.4));
        height = boxH - legend.offsetHeight;
      }
      // Too small for both: the chart wins, as in Grafana.
      if (legend && height < 70) { legend.remove(); legend = null; height = boxH; width = boxW; }
    }
    // Tick labels get as many decimals as it takes to tell them apart (14.1, 14.2 rather than 14, 14).
    const tick = (u, vals) => {
      for (const d of opts.decimals !== undefined && opts.decimals !== null ? [opts.decimals] : [undefined, 0, 1, 2, 3, 4, 5, 6]) {
        const labels = vals.map(v => Format.value(v, opts.unit, d));
        if (new Set(labels).size === labels.length || d === 6) return labels;
      }
      return vals.map(fmt);
    };
    // The value axis is as wide as its longest label (measured in the axis font) plus ticks and gap.
    const axisSize = (u, values, axisIdx) => {
      if (!values) return 50;
      let widest = 0;
      for (const v of values) widest = Math.max(widest, textWidth(u.axes[axisIdx].font[0], String(v)));
      return Math.max(36, Math.ceil(widest / devicePixelRatio) + 18);
    };
    const paths = opts.bars && uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 50] }) : undefined;
    const theme = themeColors();
    const alpha = Math.round(Math.max(0, Math.min(100, opts.fillOpacity ?? (opts.stacked || opts.bars ? 35 : 0))) * 2.55).toString(16).padStart(2, "0");
    const hooks = {};
    // A click (not a drag) on the plot: the series nearest the pointer at that time, for data links.
    if (opts.onPointClick) {
      hooks.init = [u => {
        let down = null;
        u.over.addEventListener("mousedown", e => { down = [e.clientX, e.clientY]; });
        u.over.addEventListener("click", e => {
          if (!down || Math.abs(e.clientX - down[0]) > 3 || Math.abs(e.clientY - down[1]) > 3) return;
          const idx = u.cursor.idx;
          if (idx === null || idx === undefined) return;
          let best = null;
          for (let i = 1; i < u.series.length; i++) {
            const v = u.data[i][idx];
            if (!u.series[i].show || v === null || v === undefined) continue;
            const d = Math.abs(u.valToPos(v, "y") - u.cursor.top);
            if (!best || d < best.d) best = { i, d };
          }
          if (best) opts.onPointClick(best.i - 1, idx, e.clientX, e.clientY);
        });
      }];
    }
    if (opts.onZoom) {
      hooks.setSelect = [u => {
        const s = u.select;
        if (s.width < 4) return;
        const a = u.posToVal(s.left, "x"), b = u.posToVal(s.left + s.width, "x");
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        opts.onZoom(a, b);
      }];
    }
    u = new uPlot({
      width, height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: !opts.onZoom }, points: { size: 6 } },
      plugins: [Tooltip.plugin(opts.tooltip || { mode: "single" }, series.map(s => s.name), colors, fmt, opts.timeZone),
        ...(opts.annotations && opts.annotations.length ? [Annotations.plugin(opts.annotations, opts.timeZone)] : []),
        ...(opts.plugins || [])],
      hooks,
      scales: { x: { time: true, range: (u, lo, hi) => [opts.from ?? lo, opts.to ?? hi] }, y: { range: (u, lo, hi) => yRange(lo, hi, opts) } },
      axes: [
        { stroke: theme.axis, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid }, values: timeTicks(opts.timeZone), space: 80, size: 30 },
        { stroke: theme.axis, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid }, size: axisSize, values: tick },
      ],
      series: [{}, ...series.map((s, i) => ({
        label: s.name, stroke: colors[i], width: opts.lineWidth ?? 1, paths, points: opts.bars ? { show: false } : { fill: colors[i], size: 4 },
        fill: alpha !== "00" && /^#[0-9a-f]{6}$/i.test(colors[i]) ? colors[i] + alpha : undefined, spanGaps: false,
      }))],
    }, [xs, ...data], plot);
    wrap.chart = u; // what the browser tests read the shown series from
    return u;
  }

  /** Buckets (series with an `le` label, cumulative as Prometheus keeps them) as a time × bucket heatmap. */
  function heatmap(el, series, opts) {
    el.replaceChildren();
    const buckets = series.filter(s => s.metric.le !== undefined)
      .map(s => ({ le: s.metric.le === "+Inf" ? Infinity : Number(s.metric.le), label: s.metric.le, values: s.values }))
      .sort((a, b) => a.le - b.le);
    // No series at all is "No data" as for every panel; series without buckets are a query the heatmap cannot draw.
    if (!series.length) { el.append(Dom.notice("No data")); return; }
    if (!buckets.length) { el.append(Dom.notice("unsupported: heatmap needs _bucket series with an le label")); return; }
    const { xs, ys } = align(buckets, opts.from, opts.to, opts.stepS);
    // Per-bucket counts from the cumulative ones.
    const counts = ys.map((y, b) => y.map((v, i) => (v === null ? null : b === 0 ? v : Math.max(0, v - (ys[b - 1][i] ?? 0)))));
    let max = 0;
    for (const row of counts) for (const v of row) if (v !== null && v > max) max = v;
    const width = Math.max(120, el.clientWidth || 300), height = Math.max(60, opts.height || 200);
    const left = 60, bottom = 20;
    const canvas = Dom.el("canvas", { width, height, className: "heatmap" });
    el.append(canvas);
    const g = canvas.getContext("2d");
    g.font = "11px system-ui, sans-serif";
    const theme = themeColors();
    g.fillStyle = theme.axis;
    // Cells sit at their time within the panel's range, one step wide.
    const from = opts.from ?? (xs[0] ?? 0), to = opts.to ?? (xs[xs.length - 1] ?? 1), span = Math.max(1, to - from);
    const px = t => left + ((t - from) / span) * (width - left);
    const cw = Math.max(1, ((opts.stepS || span / Math.max(1, xs.length)) / span) * (width - left)), ch = (height - bottom) / buckets.length;
    counts.forEach((row, b) => {
      const y = height - bottom - (b + 1) * ch;
      row.forEach((v, i) => {
        if (v === null || max === 0) return;
        const a = v / max;
        g.fillStyle = `rgba(${Math.round(255 * a)}, ${Math.round(80 + 120 * a)}, ${Math.round(200 * (1 - a))}, ${0.15 + 0.85 * a})`;
        g.fillRect(px(xs[i]) - cw, y, Math.ceil(cw), Math.ceil(ch));
      });
      g.fillStyle = theme.axis;
      g.fillText(Format.value(buckets[b].le, opts.unit, opts.decimals), 2, y + ch / 2 + 4);
    });
    g.fillStyle = theme.axis;
    g.fillText(TimePicker.format(from * 1000, opts.timeZone), left, height - 5);
    const last = TimePicker.format(to * 1000, opts.timeZone);
    g.fillText(last, width - g.measureText(last).width - 2, height - 5);
  }

  return { timeSeries, heatmap, align, themeColors, timeTicks };
})();
