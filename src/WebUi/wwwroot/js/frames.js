// Grafana data frames (/api/ds/query) as the Prometheus-shaped results the panels draw ({resultType, result}). A
// range query's series keep their columns: times (seconds) and nums (numbers, null where the value is NaN or ±Inf,
// which Grafana's frames list under data.entities) for the charts, and [t, "v"] pairs built only when something
// asks for values (tables, transformations, CSV) — most panels never do, and pairs cost the browser far more.
"use strict";

const Frames = (() => {
  /** One frame's value column as numbers, and each point's text as Prometheus writes it ("NaN", "+Inf", "-Inf"). */
  function column(frame) {
    const nums = frame.data.values[1] || [];
    const entities = (frame.data.entities || [])[1] || {};
    const special = new Map();
    for (const [key, text] of [["NaN", "NaN"], ["Inf", "+Inf"], ["NegInf", "-Inf"]]) for (const i of entities[key] || []) special.set(i, text);
    return { nums, text: i => special.get(i) ?? (nums[i] === null || nums[i] === undefined ? "NaN" : String(nums[i])) };
  }

  function labels(frame) {
    const value = (frame.schema.fields || [])[1] || {};
    return Object.assign({}, value.labels || {});
  }

  /** A range-query series over columns; values ([[t, "v"]...]) is made on first use. */
  function columnSeries(frame) {
    const times = (frame.data.values[0] || []).map(t => t / 1000);
    const { nums, text } = column(frame);
    let pairs = null;
    return { metric: labels(frame), times, nums, get values() { return (pairs ??= times.map((t, i) => [t, text(i)])); } };
  }

  /** results[refId] of /api/ds/query as Prometheus's data ({resultType, result}); instant says which kind was asked. */
  function toPrometheus(answer, instant) {
    const frames = answer.frames || [];
    const resultType = frames.length ? frames[0].schema.meta?.custom?.resultType || (instant ? "vector" : "matrix") : instant ? "vector" : "matrix";
    const point = f => { const { text } = column(f); return [f.data.values[0][0] / 1000, resultType === "string" ? f.data.values[1][0] : text(0)]; };
    switch (resultType) {
      case "matrix": return { resultType, result: frames.map(columnSeries) };
      case "vector": return { resultType, result: frames.map(f => ({ metric: labels(f), value: point(f) })) };
      default: return { resultType, result: frames.length ? point(frames[0]) : null };
    }
  }

  return { toPrometheus };
})();
