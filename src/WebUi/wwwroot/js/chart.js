// Charts: time series with uPlot (lines, bars, stacked), and a canvas heatmap of histogram buckets.
"use strict";

const Charts = (() => {
  /** Aligns range-query series on one time axis (seconds); missing points are null (gaps). */
  function align(series, from, to, stepS) {
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
   * Draws series [{name, values: [[t, "v"], ...]}] into el with uPlot. opts: unit, decimals, stacked, bars, min, max,
   * colors (per series), height.
   */
  function timeSeries(el, series, opts) {
    el.replaceChildren();
    const width = Math.max(120, el.clientWidth || 300), height = Math.max(60, opts.height || el.clientHeight || 200);
    if (!series.length) { el.append(Dom.notice("No data")); return null; }
    const { xs, ys } = align(series, opts.from, opts.to, opts.stepS);
    let data = ys;
    if (opts.stacked) {
      const acc = new Array(xs.length).fill(0);
      data = ys.map(y => y.map((v, i) => (v === null ? null : (acc[i] += v))));
    }
    const fmt = v => Format.value(v, opts.unit, opts.decimals);
    // Tick labels get as many decimals as it takes to tell them apart (14.1, 14.2 rather than 14, 14).
    const tick = (u, vals) => {
      for (const d of opts.decimals !== undefined && opts.decimals !== null ? [opts.decimals] : [undefined, 0, 1, 2, 3, 4, 5, 6]) {
        const labels = vals.map(v => Format.value(v, opts.unit, d));
        if (new Set(labels).size === labels.length || d === 6) return labels;
      }
      return vals.map(fmt);
    };
    const axisSize = (u, values) => (values ? Math.max(40, ...values.map(v => String(v).length * 7.5 + 18)) : 50);
    const paths = opts.bars && uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 50] }) : undefined;
    const u = new uPlot({
      width, height,
      legend: { show: opts.legend !== false, live: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true, range: (u, lo, hi) => [opts.from ?? lo, opts.to ?? hi] }, y: { range: (u, lo, hi) => yRange(lo, hi, opts) } },
      axes: [{ stroke: "#666", grid: { stroke: "#eee" } }, { stroke: "#666", grid: { stroke: "#eee" }, size: axisSize, values: tick }],
      series: [{}, ...series.map((s, i) => {
        const stroke = (opts.colors && opts.colors[i]) || Format.seriesColor(i);
        return { label: s.name, stroke, width: 1.25, paths, fill: opts.stacked || opts.bars ? stroke + "55" : undefined, value: (u, v) => (v === null ? "" : fmt(v)), spanGaps: false };
      })],
    }, [xs, ...data], el);
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
    g.fillStyle = "#666";
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
      g.fillStyle = "#666";
      g.fillText(Format.value(buckets[b].le, opts.unit, opts.decimals), 2, y + ch / 2 + 4);
    });
    g.fillStyle = "#666";
    g.fillText(new Date(from * 1000).toLocaleString(), left, height - 5);
    const last = new Date(to * 1000).toLocaleString();
    g.fillText(last, width - g.measureText(last).width - 2, height - 5);
  }

  return { timeSeries, heatmap, align };
})();

/** Small DOM helpers shared by every page. */
const Dom = {
  el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "style" && typeof v === "object") Object.assign(e.style, v);
      else if (k.startsWith("data-")) e.setAttribute(k, v);
      else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
      else e[k] = v;
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  },
  notice(text, cls = "notice") { return Dom.el("div", { className: cls, textContent: text }); },
  labels(metric) {
    return Object.entries(metric).filter(([k]) => k !== "__name__").map(([k, v]) => Dom.el("span", { className: "label", textContent: `${k}="${v}"` }));
  },
};
