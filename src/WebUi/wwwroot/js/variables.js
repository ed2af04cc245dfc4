// Grafana's time and templating vocabulary, as the C# checker implements it (src/WebUi/Dashboards): relative
// times, panel intervals, $var interpolation the way the Prometheus datasource escapes it, and variable queries.
"use strict";

const Templating = (() => {
  const UNIT_MS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, M: 2592000000, y: 31536000000 };

  /** now, now-6h, now/d, Unix seconds, RFC 3339 → ms since the epoch (null if unreadable). */
  /**
   * Grafana's time expressions: now[±N unit][/unit], Unix seconds, RFC 3339 or "YYYY-MM-DD HH:mm:ss". Rounding
   * (/d, /w, ...) goes to the start of the unit, or its end when roundUp (a range's "to": now/d is the end of today),
   * in the dashboard's time zone (settings.timeZone "utc", else the browser's).
   */
  function parseTime(text, now = Date.now(), roundUp = false) {
    text = String(text).trim();
    const m = /^now(?:([+-])(\d+)(ms|s|m|h|d|w|M|y))?(?:\/([smhdwMy]))?$/.exec(text);
    const utc = settings.timeZone === "utc";
    if (m) {
      const d = new Date(now);
      const get = f => d[(utc ? "getUTC" : "get") + f]();
      const set = (f, ...a) => d[(utc ? "setUTC" : "set") + f](...a);
      if (m[2]) {
        const n = Number(m[2]) * (m[1] === "-" ? -1 : 1);
        if (m[3] === "M") set("Month", get("Month") + n);
        else if (m[3] === "y") set("FullYear", get("FullYear") + n);
        else d.setTime(d.getTime() + n * UNIT_MS[m[3]]);
      }
      if (m[4]) {
        const r = m[4];
        if (r === "y") set("Month", 0, 1);
        if (r === "M" || r === "y") set("Date", 1);
        if (r === "w") set("Date", get("Date") - get("Day"));
        if ("dwMy".includes(r)) set("Hours", 0, 0, 0, 0);
        if (r === "h") set("Minutes", 0, 0, 0);
        if (r === "m") set("Seconds", 0, 0);
        if (r === "s") set("Milliseconds", 0);
        if (roundUp) {
          if (r === "y") set("FullYear", get("FullYear") + 1);
          else if (r === "M") set("Month", get("Month") + 1);
          else if (r === "w") set("Date", get("Date") + 7);
          else if (r === "d") set("Date", get("Date") + 1);
          else d.setTime(d.getTime() + UNIT_MS[r]);
          d.setTime(d.getTime() - 1);
        }
      }
      return d.getTime();
    }
    if (/^-?\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
    // "2026-12-07 18:00:00" as Grafana's absolute fields show it: in the dashboard's zone.
    const plain = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/.exec(text);
    if (plain) return Date.parse(`${plain[1]}T${plain[2]}${utc ? "Z" : ""}`);
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : t;
  }

  function parseDuration(text) {
    text = String(text || "").trim().replace(/^[<>]/, "");
    if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w|M|y))+$/.test(text)) return null;
    let ms = 0;
    for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)/g)) ms += Number(m[1]) * UNIT_MS[m[2]];
    return ms;
  }

  function formatDuration(ms) {
    if (ms <= 0) return "0s";
    if (ms % 86400000 === 0) return ms / 86400000 + "d";
    if (ms % 3600000 === 0) return ms / 3600000 + "h";
    if (ms % 60000 === 0) return ms / 60000 + "m";
    if (ms % 1000 === 0) return ms / 1000 + "s";
    return ms + "ms";
  }

  const ROUND = [[15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000], [7500, 5000],
    [12500, 10000], [17500, 15000], [25000, 20000], [45000, 30000], [90000, 60000], [210000, 120000], [450000, 300000],
    [750000, 600000], [1050000, 900000], [1500000, 1200000], [2700000, 1800000], [5400000, 3600000], [9000000, 7200000],
    [16200000, 10800000], [32400000, 21600000], [86400000, 43200000], [604800000, 86400000], [1814400000, 604800000], [3628800000, 2592000000]];
  function roundInterval(ms) {
    for (const [below, value] of ROUND) if (ms < below) return value;
    return 31536000000;
  }

  /**
   * The Prometheus datasource's scrape interval (Grafana's jsonData.timeInterval): mlobs's global scrape_interval,
   * which the page reads from /api/datasources at start; Grafana's default 15s until then.
   */
  const settings = { scrapeMs: 15000 };

  /** A panel's query interval: range over data points, rounded, floored by the min interval and the scrape interval. */
  function panelInterval(rangeMs, dataPoints, minInterval, scrapeMs = settings.scrapeMs) {
    let floor = scrapeMs;
    if (minInterval && !String(minInterval).includes("$")) { const d = parseDuration(minInterval); if (d) floor = d; }
    return Math.max(roundInterval(Math.floor(rangeMs / Math.max(1, dataPoints))), floor);
  }

  /** A range query's step: the interval, widened so no series has more than 11,000 points (Prometheus's limit). */
  function queryStepS(rangeMs, intervalMs) {
    return Math.max(intervalMs / 1000, Math.ceil(rangeMs / 1000 / 11000));
  }

  /** A target of Grafana's Loki datasource: its type names loki (also "${DS_LOKI}"), or the panel is a logs panel. */
  function isLokiTarget(panel, target) {
    const ds = target.datasource ?? panel.datasource;
    const type = ds && typeof ds === "object" ? ds.type || ds.uid : ds;
    return panel.type === "logs" || /loki/i.test(String(type || ""));
  }

  /** The values a repeated panel is copied for (every option for All, empty ones left out); [] when it is drawn once. */
  function repeatValues(panel, vars) {
    const v = panel.repeat && vars[panel.repeat];
    const values = v ? (v.isAll ? v.all : v.values).filter(x => x !== "") : [];
    return values.length < 2 ? [] : values;
  }

  function builtIns(from, to, intervalMs, scrapeMs = settings.scrapeMs) {
    const rangeS = Math.round((to - from) / 1000);
    const single = v => ({ values: [String(v)], isAll: false, multi: false, includeAll: false, allValue: null, all: [String(v)] });
    return {
      __interval: single(formatDuration(intervalMs)),
      __interval_ms: single(intervalMs),
      __rate_interval: single(formatDuration(Math.max(intervalMs + scrapeMs, 4 * scrapeMs))),
      __range: single(rangeS + "s"),
      __range_s: single(rangeS),
      __range_ms: single(to - from),
      __from: single(from),
      __to: single(to),
    };
  }

  const regularEscape = v => v.replace(/\\/g, "\\\\").replace(/'/g, "\\\\'");
  const specialRegexEscape = v => v.replace(/\\/g, "\\\\\\\\").replace(/[$^*{}\[\]'+?.()|]/g, "\\\\$&");
  const regexEscape = v => v.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

  function formatValues(values, format, multi) {
    switch (format) {
      case undefined: case null:
        if (!multi) return values.length ? regularEscape(values[0]) : "";
        { const e = values.map(specialRegexEscape); return e.length === 1 ? e[0] : "(" + e.join("|") + ")"; }
      case "raw": case "csv": return values.join(",");
      case "regex": return values.length === 1 ? regexEscape(values[0]) : "(" + values.map(regexEscape).join("|") + ")";
      case "pipe": return values.join("|");
      case "text": return values.join(" + ");
      case "doublequote": return values.map(x => '"' + x.replace(/"/g, '\\"') + '"').join(",");
      case "singlequote": return values.map(x => "'" + x.replace(/'/g, "\\'") + "'").join(",");
      case "json": return JSON.stringify(values);
      case "queryparam": return values.map(x => "var-" + encodeURIComponent(x)).join("&");
      case "percentencode": return values.map(encodeURIComponent).join(",");
      default: return values.join(",");
    }
  }

  /** templateSrv.replace for Prometheus queries; unknown names stay as written. */
  function interpolate(text, vars) {
    if (!text || (!text.includes("$") && !text.includes("[["))) return text;
    return text.replace(/\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g, (all, a, b, bf, c, _field, cf) => {
      const name = a || b || c;
      const format = bf || cf;
      const v = vars[name];
      if (!v) return all;
      if (v.isAll && v.allValue !== null && v.allValue !== undefined && format !== "text" && format !== "percentencode") return v.allValue;
      return formatValues(v.isAll ? v.all : v.values, format, v.multi || v.includeAll);
    });
  }

  function toRegex(text) {
    if (!text.startsWith("/")) return new RegExp("^" + text + "$");
    const end = text.lastIndexOf("/");
    return end <= 0 ? new RegExp(text) : new RegExp(text.slice(1, end), text.slice(end + 1).replace(/[^imsu]/g, ""));
  }

  function customOptions(query) {
    const out = [];
    for (const m of String(query || "").matchAll(/(?:\\,|[^,])+/g)) {
      const item = m[0].replace(/\\,/g, ",").trim();
      if (!item) continue;
      const kv = /^\s*(.+?)\s+:\s+(.+)$/.exec(item);
      out.push(kv ? { text: kv[1].trim(), value: kv[2].trim() } : { text: item, value: item });
    }
    return out;
  }

  function variableQuery(v) {
    const q = v.query;
    return (typeof q === "object" && q !== null ? q.query : q) || v.definition || "";
  }

  /** The texts a query variable's definition yields (label_values, label_names, metrics, query_result). */
  async function queryTexts(query, from, to) {
    query = query.trim();
    const start = from / 1000, end = to / 1000;
    let m;
    if (/^label_names\(\s*\)\s*$/.test(query)) return Api.labelNames(null, start, end);
    if ((m = /^label_names\((.+)\)\s*$/.exec(query))) return Api.labelNames(m[1], start, end);
    if ((m = /^label_values\((?:(.+),\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\)\s*$/.exec(query))) return Api.labelValues(m[2], m[1], start, end);
    if ((m = /^metrics\((.+)\)\s*$/.exec(query))) { const re = new RegExp(m[1]); return (await Api.labelValues("__name__", null, start, end)).filter(n => re.test(n)); }
    const expr = (m = /^query_result\((.+)\)\s*$/.exec(query)) ? m[1] : query;
    const data = await Api.instant(expr, end);
    const rows = data.resultType === "vector" ? data.result : [];
    return rows.map(s => {
      const { __name__: name = "", ...labels } = s.metric;
      return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ")}} ${s.value[1]} ${Math.round(s.value[0] * 1000)}`;
    });
  }

  function filterOptions(texts, regex) {
    const re = regex ? toRegex(regex) : null;
    const seen = new Set();
    const out = [];
    for (const t of texts) {
      let value = t, text = t;
      if (re) {
        const m = re.exec(t);
        if (!m) continue;
        if (m.groups && (m.groups.value !== undefined || m.groups.text !== undefined)) {
          value = m.groups.value ?? m.groups.text;
          text = m.groups.text ?? value;
        } else if (m.length > 1) value = text = m[1];
      }
      if (!seen.has(value)) { seen.add(value); out.push({ text, value }); }
    }
    return out;
  }

  function currentValues(v) {
    const c = v.current && v.current.value;
    return c === undefined || c === null ? [] : Array.isArray(c) ? c : [c];
  }

  /** What is selected: URL choice, else saved current if still offered, else All (if allowed) or the first option. */
  function select(v, options, chosen) {
    const all = options.map(o => o.value);
    let wanted = chosen && chosen.length ? chosen : currentValues(v);
    // An interval variable left on "auto" saves $__auto_interval_<name>: the auto option's computed value.
    if (v.auto && options.length && wanted.length && (String(wanted[0]).startsWith("$__auto_interval") || wanted[0] === "auto")) wanted = [options[0].value];
    const base = { multi: !!v.multi, includeAll: !!v.includeAll, allValue: v.allValue || null, all };
    if (v.includeAll && wanted.length && (wanted[0] === "$__all" || wanted[0] === "All")) return { ...base, values: all, isAll: true };
    const kept = wanted.filter(x => all.includes(x));
    if (kept.length) return { ...base, values: v.multi ? kept : [kept[0]], isAll: false };
    if (v.includeAll && (all.length || v.allValue)) return { ...base, values: all, isAll: true };
    if (all.length) return { ...base, values: [all[0]], isAll: false };
    return { ...base, values: [""], isAll: false };
  }

  /** Resolves every variable in order; `chosen` holds the URL's var-NAME selections. Returns [{variable, options, value, error}]. */
  async function resolve(dashboard, from, to, chosen = {}) {
    const vars = builtIns(from, to, settings.scrapeMs);
    const out = [];
    for (const v of (dashboard.templating && dashboard.templating.list) || []) {
      if (!v.name) continue;
      let options = [], error = null;
      try {
        switch (v.type) {
          case "custom": options = customOptions(variableQuery(v)); break;
          case "interval":
            options = customOptions(variableQuery(v));
            if (v.auto) {
              // kbn.calculateInterval: the range over auto_count, rounded, at least auto_min.
              const ms = Math.max(roundInterval(Math.floor((to - from) / (v.auto_count || 30))), parseDuration(v.auto_min || "10s") || 0);
              options.unshift({ text: "auto", value: formatDuration(ms) });
            }
            break;
          case "constant": options = [{ text: variableQuery(v), value: variableQuery(v) }]; break;
          case "textbox": { const t = currentValues(v)[0] ?? variableQuery(v); options = [{ text: t, value: t }]; break; }
          case "query": options = filterOptions(await queryTexts(interpolate(variableQuery(v), vars), from, to), v.regex); break;
          default: options = (v.options || []).filter(o => o.value !== "$__all").map(o => ({ text: o.text, value: o.value }));
        }
      } catch (e) {
        error = e.message;
      }
      const value = select(v, options, chosen[v.name]);
      vars[v.name] = value;
      out.push({ variable: v, options, value, error });
    }
    return out;
  }

  return { parseTime, parseDuration, formatDuration, panelInterval, queryStepS, isLokiTarget, repeatValues, builtIns, interpolate, resolve, settings };
})();
