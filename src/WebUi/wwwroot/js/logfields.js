// The Logs page's fields sidebar (Kibana Discover's): for the lines in the current result, each stream label and
// each field parsed from JSON or logfmt lines, with its top values and their share of the lines. Clicking a value
// adds it to the query: a stream label into the selector, a parsed field as `| json | field="value"`.
"use strict";

const LogFields = (() => {
  const el = (...a) => Dom.el(...a);
  const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
  const TOP = 5;

  /** logfmt's key=value pairs (values may be quoted); null when the line has none. */
  function logfmt(line) {
    const out = {};
    const re = /([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
    let m, n = 0;
    while ((m = re.exec(line))) { out[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1).replace(/\\(.)/g, "$1") : m[2]; n++; }
    return n ? out : null;
  }

  /** A line's parsed fields and the parser that reads them (json or logfmt), or null. */
  function parse(line) {
    const t = line.trim();
    if (t.startsWith("{")) {
      try {
        const o = JSON.parse(t);
        if (o && typeof o === "object" && !Array.isArray(o))
          return { parser: "json", fields: Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && typeof v !== "object").map(([k, v]) => [k, String(v)])) };
      } catch { /* not JSON: maybe logfmt */ }
    }
    const f = logfmt(t);
    return f ? { parser: "logfmt", fields: f } : null;
  }

  /** Fields of the entries: name → {kind: label|json|logfmt, values: Map(value → lines)}, labels first. */
  function collect(entries) {
    const fields = new Map();
    const add = (name, kind, value) => {
      if (!fields.has(name)) fields.set(name, { name, kind, values: new Map(), lines: 0 });
      const f = fields.get(name);
      f.values.set(value, (f.values.get(value) || 0) + 1);
      f.lines++;
    };
    for (const e of entries) {
      for (const [k, v] of Object.entries(e.labels || {})) add(k, "label", v);
      const p = parse(e.line);
      if (p) for (const [k, v] of Object.entries(p.fields)) if (IDENT.test(k) && !(k in (e.labels || {}))) add(k, p.parser, v);
    }
    return [...fields.values()].sort((a, b) => (a.kind === "label") - (b.kind === "label") ? (a.kind === "label" ? -1 : 1) : a.name.localeCompare(b.name));
  }

  const quote = v => '"' + v.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';

  /** The query with field=value added: into the stream selector for a label, as a parser and label filter otherwise. */
  function addFilter(query, field, value) {
    const q = query.trim();
    if (field.kind === "label") {
      const close = q.indexOf("}");
      if (q.startsWith("{") && close > 0) {
        const inside = q.slice(1, close).trim();
        return `{${inside ? inside + ", " : ""}${field.name}=${quote(value)}}` + q.slice(close + 1);
      }
      return q;
    }
    const parser = new RegExp(`\\|\\s*${field.kind}\\b`).test(q) ? "" : ` | ${field.kind}`;
    return `${q}${parser} | ${field.name}=${quote(value)}`;
  }

  function sidebar(entries, query, onQuery) {
    const box = el("aside", { className: "log-fields", "aria-label": "Fields" }, el("h4", { textContent: `Fields (${entries.length} lines)` }));
    const fields = collect(entries);
    if (!fields.length) box.append(Dom.notice("No fields in these lines."));
    for (const f of fields) {
      const top = [...f.values.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP);
      const details = el("details", { className: "log-field", open: f.kind === "label" || fields.length <= 8 },
        el("summary", {}, el("span", { className: "field-name", textContent: f.name }), el("span", { className: "muted", textContent: ` ${f.kind === "label" ? "label" : f.kind} · ${f.values.size} value${f.values.size === 1 ? "" : "s"}` })));
      for (const [value, n] of top) {
        const share = n / entries.length;
        details.append(el("button", { type: "button", className: "field-value", title: `Add ${f.name}=${value} to the query`, "data-field": f.name, "data-value": value,
          onclick: () => onQuery(addFilter(query, f, value)) },
        el("span", { className: "field-value-text", textContent: value === "" ? '""' : value }),
        el("span", { className: "field-share", textContent: `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%` }),
        el("span", { className: "field-bar", style: { width: (share * 100).toFixed(1) + "%" } })));
      }
      box.append(details);
    }
    return box;
  }

  return { sidebar, collect, addFilter, parse };
})();
