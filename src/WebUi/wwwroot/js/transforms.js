// Grafana's panel transformations over data frames ({name, refId, fields: [{name, type: time|number|string,
// values, labels}]}): organize, merge, joinByField, reduce, filterByValue, calculateField, renameByRegex,
// seriesToRows, sortBy, limit. Query results become frames first (a Prometheus series is a frame of Time and its
// value, named as its legend names it); the panel then draws what comes out. Other ids are left out and named.
"use strict";

const Transforms = (() => {
  const SUPPORTED = ["organize", "merge", "joinByField", "reduce", "filterByValue", "calculateField", "renameByRegex", "seriesToRows", "sortBy", "limit"];

  /** Query frames (Prometheus results) as data frames. Times are epoch milliseconds, as in Grafana. */
  function fromQueries(queryFrames, legendOf) {
    const out = [];
    for (const f of queryFrames) {
      if (!f.data) continue;
      const { resultType, result } = f.data;
      const list = resultType === "matrix" ? result.map(s => ({ metric: s.metric, values: s.values }))
        : resultType === "vector" ? result.map(s => ({ metric: s.metric, values: [s.value] }))
          : resultType === "scalar" ? [{ metric: {}, values: [result] }] : [];
      for (const s of list) {
        const name = legendOf(s.metric, f);
        out.push({ refId: f.refId, name, fields: [
          { name: "Time", type: "time", values: s.values.map(p => Number(p[0]) * 1000) },
          { name, type: "number", values: s.values.map(p => Number(p[1])), labels: s.metric },
        ] });
      }
    }
    return out;
  }

  const rowCount = frame => (frame.fields[0] ? frame.fields[0].values.length : 0);
  const field = (frame, name) => frame.fields.find(f => f.name === name);
  const copy = frame => ({ ...frame, fields: frame.fields.map(f => ({ ...f, values: [...f.values] })) });
  const typeOf = values => (values.every(v => v === null || v === undefined || typeof v === "number") ? "number" : "string");

  /** Keeps the rows whose index passes keep(i). */
  function filterRows(frame, keep) {
    const idx = [...Array(rowCount(frame)).keys()].filter(keep);
    return { ...frame, fields: frame.fields.map(f => ({ ...f, values: idx.map(i => f.values[i]) })) };
  }

  // ---- the transformations ------------------------------------------------------------------------------------

  function organize(frames, o) {
    const exclude = o.excludeByName || {}, index = o.indexByName || {}, rename = o.renameByName || {};
    return frames.map(fr => {
      const kept = fr.fields.filter(f => !exclude[f.name]);
      if (Object.keys(index).length) kept.sort((a, b) => (index[a.name] ?? 1e9) - (index[b.name] ?? 1e9));
      return { ...fr, fields: kept.map(f => (rename[f.name] ? { ...f, name: rename[f.name] } : f)) };
    });
  }

  /** All frames as one table: fields by name, rows appended; rows equal in every non-number field are combined. */
  function merge(frames) {
    if (frames.length < 2) return frames;
    const names = [], types = {};
    for (const fr of frames) for (const f of fr.fields) if (!names.includes(f.name)) { names.push(f.name); types[f.name] = f.type; }
    const keys = names.filter(n => types[n] !== "number");
    const rows = new Map(), order = [];
    frames.forEach((fr, k) => {
      for (let i = 0; i < rowCount(fr); i++) {
        const row = {};
        for (const f of fr.fields) row[f.name] = f.values[i];
        const key = keys.length ? JSON.stringify(keys.map(n => row[n] ?? null)) : `${k}:${i}`;
        if (rows.has(key)) Object.assign(rows.get(key), Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null && v !== undefined)));
        else { rows.set(key, row); order.push(key); }
      }
    });
    const list = order.map(k => rows.get(k));
    return [{ name: "Merged", refId: frames[0].refId, fields: names.map(n => ({ name: n, type: types[n], values: list.map(r => r[n] ?? null) })) }];
  }

  /** Frames joined on one field (default: the first time field): outer keeps every key, inner only shared ones. */
  function joinByField(frames, o) {
    if (frames.length < 2) return frames;
    const by = o.byField || (frames[0].fields.find(f => f.type === "time") || frames[0].fields[0]).name;
    const withKey = frames.filter(fr => field(fr, by));
    const keys = new Map();
    const columns = [];
    withKey.forEach(fr => {
      const k = field(fr, by);
      const others = fr.fields.filter(f => f !== k);
      const cols = others.map(f => ({ ...f, name: columns.some(c => c.name === f.name) ? `${f.name} ${fr.refId || fr.name}` : f.name, byKey: new Map() }));
      k.values.forEach((key, i) => { keys.set(key, (keys.get(key) || 0) + 1); cols.forEach((c, j) => c.byKey.set(key, others[j].values[i])); });
      columns.push(...cols);
    });
    let joined = [...keys.keys()];
    if (o.mode === "inner") joined = joined.filter(k => keys.get(k) === withKey.length);
    const keyField = field(withKey[0], by);
    if (keyField.type === "time" || keyField.type === "number") joined.sort((a, b) => a - b);
    return [{ name: "Joined", refId: withKey[0].refId, fields: [{ name: by, type: keyField.type, values: joined },
      ...columns.map(({ byKey, ...c }) => ({ ...c, values: joined.map(k => byKey.get(k) ?? null) }))] }];
  }

  /** Grafana's reduce: "seriesToRows" (default) one row per number field with a column per calc; "reduceFields" each frame's fields to one value. */
  function reduce(frames, o) {
    const reducers = o.reducers && o.reducers.length ? o.reducers : ["max"];
    const calc = (values, r) => Format.reduce(values.map((v, i) => [i, Number.isFinite(v) ? v : null]), r);
    if (o.mode === "reduceFields") {
      return frames.map(fr => ({ ...fr, fields: fr.fields.filter(f => f.type !== "time" || o.includeTimeField).map(f => (f.type === "number" ? { ...f, values: [calc(f.values, reducers[0])] } : { ...f, values: [f.values[f.values.length - 1]] })) }));
    }
    const rows = [];
    for (const fr of frames) for (const f of fr.fields) if (f.type === "number") rows.push({ name: f.name, labels: f.labels, values: reducers.map(r => calc(f.values, r)) });
    const labelNames = o.labelsToFields ? [...new Set(rows.flatMap(r => Object.keys(r.labels || {})))].filter(n => n !== "__name__").sort() : [];
    return [{ name: "Reduced", refId: frames[0] && frames[0].refId, fields: [
      { name: "Field", type: "string", values: rows.map(r => r.name) },
      ...labelNames.map(n => ({ name: n, type: "string", values: rows.map(r => (r.labels || {})[n] ?? "") })),
      ...reducers.map((r, k) => ({ name: Legend.CALC_NAMES[r] || r, type: "number", values: rows.map(x => x.values[k]) })),
    ] }];
  }

  const COMPARE = {
    greater: (v, o) => v > Number(o.value), greaterOrEqual: (v, o) => v >= Number(o.value),
    lower: (v, o) => v < Number(o.value), lowerOrEqual: (v, o) => v <= Number(o.value),
    equal: (v, o) => String(v) === String(o.value), notEqual: (v, o) => String(v) !== String(o.value),
    isNull: v => v === null || v === undefined, isNotNull: v => v !== null && v !== undefined,
    range: (v, o) => v >= Number(o.from) && v <= Number(o.to),
    regex: (v, o) => { try { return new RegExp(o.value).test(String(v)); } catch { return false; } },
  };

  function filterByValue(frames, o) {
    const filters = (o.filters || []).filter(f => COMPARE[f.config && f.config.id]);
    if (!filters.length) return frames;
    const include = o.type !== "exclude", all = o.match === "all";
    return frames.map(fr => filterRows(fr, i => {
      const hits = filters.map(f => { const fl = field(fr, f.fieldName); return !!fl && COMPARE[f.config.id](fl.values[i], f.config.options || {}); });
      const match = all ? hits.every(Boolean) : hits.some(Boolean);
      return include ? match : !match;
    }));
  }

  /** A field's values by name, or a constant ("2", or {fixed: "2"} / {matcher: {options: name}} in newer Grafana). */
  function operand(fr, x, n) {
    if (x && typeof x === "object") x = x.matcher ? x.matcher.options : x.fixed;
    const f = field(fr, String(x));
    if (f) return f.values.map(Number);
    const c = Number(x);
    return Array(n).fill(Number.isFinite(c) ? c : null);
  }

  function calculateField(frames, o) {
    const mode = o.mode || "reduceRow";
    return frames.map(fr => {
      const n = rowCount(fr);
      let values, name;
      if (mode === "binary") {
        const b = o.binary || {};
        const l = operand(fr, b.left, n), r = operand(fr, b.right, n);
        const op = { "+": (x, y) => x + y, "-": (x, y) => x - y, "*": (x, y) => x * y, "/": (x, y) => x / y, "%": (x, y) => x % y, "^": (x, y) => x ** y }[b.operator || "+"];
        values = l.map((x, i) => (x === null || r[i] === null ? null : op(x, r[i])));
        const show = x => (x && typeof x === "object" ? (x.matcher ? x.matcher.options : x.fixed) : x);
        name = `${show(b.left)} ${b.operator || "+"} ${show(b.right)}`;
      } else if (mode === "reduceRow") {
        const red = o.reduce || {};
        const reducer = red.reducer || "sum";
        const inputs = fr.fields.filter(f => f.type === "number" && (!red.include || !red.include.length || red.include.includes(f.name)));
        values = [...Array(n).keys()].map(i => Format.reduce(inputs.map((f, k) => [k, Number.isFinite(f.values[i]) ? f.values[i] : null]), reducer));
        name = Legend.CALC_NAMES[reducer] || reducer;
      } else if (mode === "index") {
        values = [...Array(n).keys()];
        name = "Row";
      } else return fr;
      const added = { name: o.alias || name, type: "number", values };
      const kept = o.replaceFields ? fr.fields.filter(f => f.type === "time") : fr.fields;
      return { ...fr, fields: [...kept, added] };
    });
  }

  function renameByRegex(frames, o) {
    let re;
    try { re = new RegExp(o.regex); } catch { return frames; }
    return frames.map(fr => ({ ...fr, name: fr.name, fields: fr.fields.map(f => (f.type === "time" ? f : { ...f, name: f.name.replace(re, o.renamePattern ?? "") })) }));
  }

  /** Time series as one table of Time, Metric, Value rows, newest first (Grafana's series to rows). */
  function seriesToRows(frames) {
    const rows = [];
    for (const fr of frames) {
      const t = fr.fields.find(f => f.type === "time");
      if (!t) continue;
      for (const f of fr.fields) if (f.type === "number") t.values.forEach((time, i) => rows.push([time, f.name, f.values[i]]));
    }
    rows.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    return [{ name: "Series", refId: frames[0] && frames[0].refId, fields: [
      { name: "Time", type: "time", values: rows.map(r => r[0]) },
      { name: "Metric", type: "string", values: rows.map(r => r[1]) },
      { name: "Value", type: "number", values: rows.map(r => r[2]) }] }];
  }

  function sortBy(frames, o) {
    const s = (o.sort || [])[0];
    if (!s || !s.field) return frames;
    return frames.map(fr => {
      const f = field(fr, s.field);
      if (!f) return fr;
      const idx = [...Array(rowCount(fr)).keys()].sort((a, b) => {
        const x = f.values[a], y = f.values[b];
        return (x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : x < y ? -1 : 1) * (s.desc ? -1 : 1);
      });
      return { ...fr, fields: fr.fields.map(g => ({ ...g, values: idx.map(i => g.values[i]) })) };
    });
  }

  function limit(frames, o) {
    const n = Number(o.limitField ?? 10);
    return frames.map(fr => filterRows(fr, i => i < n));
  }

  const APPLY = { organize, merge, joinByField, reduce, filterByValue, calculateField, renameByRegex, seriesToRows, sortBy, limit };

  /** Applies a panel's enabled transformations in order; unsupported ones are skipped and returned by id. */
  function apply(frames, transformations) {
    let out = frames.map(copy);
    const skipped = [];
    for (const t of transformations || []) {
      if (t.disabled) continue;
      if (!APPLY[t.id]) { skipped.push(t.id); continue; }
      out = APPLY[t.id](out, t.options || {});
    }
    for (const fr of out) for (const f of fr.fields) if (!f.type) f.type = typeOf(f.values);
    return { frames: out, skipped };
  }

  /**
   * Frames back in the shape the renderers draw: each number field a series named by the field, over its frame's
   * time field (seconds), or over row numbers in a frame without time.
   */
  function toSeries(frames) {
    const out = [];
    for (const fr of frames) {
      const t = fr.fields.find(f => f.type === "time");
      const labelFields = fr.fields.filter(f => f.type === "string");
      for (const f of fr.fields) {
        if (f.type !== "number") continue;
        if (t) out.push({ name: f.name, metric: f.labels || {}, values: f.values.map((v, i) => [t.values[i] / 1000, v]).filter(p => p[1] !== null) });
        else f.values.forEach((v, i) => out.push({ name: labelFields.length ? labelFields.map(l => l.values[i]).join(" ") + (fr.fields.filter(x => x.type === "number").length > 1 ? " " + f.name : "") : f.name, metric: {}, values: [[i, v]] }));
      }
    }
    return out;
  }

  return { apply, fromQueries, toSeries, SUPPORTED };
})();
