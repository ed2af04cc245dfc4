// Grafana's value vocabulary: units, decimals, thresholds and named colors, value mappings, reducers, legends.
"use strict";

const Format = (() => {
  // Grafana's named palette (the dark/light variants dashboards use most).
  const NAMED = {
    green: "#73BF69", "dark-green": "#37872D", "semi-dark-green": "#56A64B", "light-green": "#96D98D", "super-light-green": "#C8F2C2",
    red: "#F2495C", "dark-red": "#C4162A", "semi-dark-red": "#E02F44", "light-red": "#FF7383", "super-light-red": "#FFA6B0",
    yellow: "#FADE2A", "dark-yellow": "#E0B400", "semi-dark-yellow": "#F2CC0C", "light-yellow": "#FFEE52", "super-light-yellow": "#FFF899",
    orange: "#FF9830", "dark-orange": "#FA6400", "semi-dark-orange": "#FF780A", "light-orange": "#FFB357", "super-light-orange": "#FFCB7D",
    blue: "#5794F2", "dark-blue": "#1F60C4", "semi-dark-blue": "#3274D9", "light-blue": "#8AB8FF", "super-light-blue": "#C0D8FF",
    purple: "#B877D9", "dark-purple": "#8F3BB8", "semi-dark-purple": "#A352CC", "light-purple": "#CA95E5", "super-light-purple": "#DEB6F2",
    text: "#333", transparent: "transparent",
  };
  // Grafana's classic palette, in its order: series take these colours one after another.
  const SERIES = ["#7EB26D", "#EAB839", "#6ED0E0", "#EF843C", "#E24D42", "#1F78C1", "#BA43A9", "#705DA0", "#508642", "#CCA300", "#447EBC", "#C15C17",
    "#890F02", "#0A437C", "#6D1F62", "#584477", "#B7DBAB", "#F4D598", "#70DBED", "#F9BA8F", "#F29191", "#82B5D8", "#E5A8E2", "#AEA2E0",
    "#629E51", "#E5AC0E", "#64B0C8", "#E0752D", "#BF1B00", "#0A50A1", "#962D82", "#614D93", "#9AC48A", "#F2C96D", "#65C5DB", "#F9934E",
    "#EA6460", "#5195CE", "#D683CE", "#806EB7", "#3F6833", "#967302", "#2F575E", "#99440A", "#58140C", "#052B51", "#511749", "#3F2B5B",
    "#E0F9D7", "#FCEACA", "#CFFAFF", "#F9E2D2", "#FCE2DE", "#BADFF4", "#F9D9F9", "#DEDAF7"];

  function color(name) {
    if (!name) return NAMED.green;
    // "text" is the theme's text colour, as in Grafana.
    if (name === "text") return getComputedStyle(document.documentElement).getPropertyValue("--text").trim() || NAMED.text;
    return NAMED[name] || name;
  }

  function seriesColor(i) { return SERIES[i % SERIES.length]; }

  function rgb(c) {
    let m = /^#([0-9a-f]{3})$/i.exec(c);
    if (m) return [...m[1]].map(h => parseInt(h + h, 16));
    m = /^#([0-9a-f]{6})/i.exec(c);
    if (m) return [0, 2, 4].map(i => parseInt(m[1].slice(i, i + 2), 16));
    m = /^rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)/i.exec(c);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  }

  function luminance([r, g, b]) {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  }

  /** WCAG contrast ratio of two colours (1 to 21). */
  function contrast(a, b) {
    const x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }

  /**
   * A value colour made readable on a background: Grafana's hue, darkened (light theme) or lightened (dark theme)
   * in small steps until its contrast reaches min (3 for large text, 4.5 for small), so the light theme's yellow
   * and green numbers stay legible. Colours that cannot be read (names, "transparent") come back unchanged.
   */
  function readable(color, background, min = 3) {
    const c = rgb(color), bg = rgb(background || getComputedStyle(document.documentElement).getPropertyValue("--panel").trim() || "#ffffff");
    if (!c || !bg || contrast(c, bg) >= min) return color;
    const toward = luminance(bg) > 0.4 ? 0 : 255;
    for (let t = 0.05; t <= 1; t += 0.05) {
      const mixed = c.map(v => Math.round(v + (toward - v) * t));
      if (contrast(mixed, bg) >= min) return "#" + mixed.map(v => v.toString(16).padStart(2, "0")).join("");
    }
    return toward ? "#ffffff" : "#000000";
  }

  const SI = ["", "k", "M", "G", "T", "P", "E"];
  function scaled(v, base, units, decimals) {
    let i = 0;
    let x = Math.abs(v);
    while (x >= base && i < units.length - 1) { x /= base; i++; }
    return fixed(Math.sign(v) * x, decimals) + units[i];
  }

  function fixed(v, decimals) {
    if (decimals !== undefined && decimals !== null) return v.toFixed(decimals);
    const abs = Math.abs(v);
    if (abs === 0) return "0";
    if (abs >= 100) return v.toFixed(0);
    if (abs >= 10) return v.toFixed(1).replace(/\.0$/, "");
    if (abs >= 1) return v.toFixed(2).replace(/\.?0+$/, "");
    return Number(v.toPrecision(3)).toString();
  }

  function duration(seconds, decimals) {
    const abs = Math.abs(seconds);
    if (abs === 0) return "0 s";
    if (abs < 1e-6) return fixed(seconds * 1e9, decimals) + " ns";
    if (abs < 1e-3) return fixed(seconds * 1e6, decimals) + " µs";
    if (abs < 1) return fixed(seconds * 1e3, decimals) + " ms";
    if (abs < 60) return fixed(seconds, decimals) + " s";
    if (abs < 3600) return fixed(seconds / 60, decimals) + " min";
    if (abs < 86400) return fixed(seconds / 3600, decimals) + " hour";
    if (abs < 604800) return fixed(seconds / 86400, decimals) + " day";
    return fixed(seconds / 604800, decimals) + " week";
  }

  /** Formats a value in a Grafana unit; unknown units fall back to "short". */
  function value(v, unit, decimals) {
    if (v === null || v === undefined) return "No data";
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
    switch (unit || "short") {
      case "none": return fixed(v, decimals);
      case "percent": return fixed(v, decimals) + "%";
      case "percentunit": return fixed(v * 100, decimals) + "%";
      case "s": return duration(v, decimals);
      case "ms": return duration(v / 1000, decimals);
      case "µs": case "us": return duration(v / 1e6, decimals);
      case "ns": return duration(v / 1e9, decimals);
      case "m": return duration(v * 60, decimals);
      case "h": return duration(v * 3600, decimals);
      case "d": return duration(v * 86400, decimals);
      case "dtdurations": return duration(v, decimals);
      case "bytes": case "decbytes": return scaled(v, unit === "bytes" ? 1024 : 1000, unit === "bytes" ? [" B", " KiB", " MiB", " GiB", " TiB", " PiB"] : [" B", " kB", " MB", " GB", " TB", " PB"], decimals);
      case "bits": case "decbits": return scaled(v, unit === "bits" ? 1024 : 1000, [" b", " kb", " Mb", " Gb", " Tb", " Pb"], decimals);
      case "Bps": case "binBps": return scaled(v, unit === "binBps" ? 1024 : 1000, [" B/s", " kB/s", " MB/s", " GB/s", " TB/s"], decimals);
      case "bps": case "binbps": return scaled(v, unit === "binbps" ? 1024 : 1000, [" b/s", " kb/s", " Mb/s", " Gb/s", " Tb/s"], decimals);
      case "reqps": return scaled(v, 1000, SI.map(s => ` ${s}req/s`.replace(" req", " req")), decimals);
      case "rps": return scaled(v, 1000, SI.map(s => ` ${s}rd/s`), decimals);
      case "wps": return scaled(v, 1000, SI.map(s => ` ${s}wr/s`), decimals);
      case "iops": return scaled(v, 1000, SI.map(s => ` ${s}io/s`), decimals);
      case "ops": return scaled(v, 1000, SI.map(s => ` ${s}ops/s`), decimals);
      case "pps": return scaled(v, 1000, SI.map(s => ` ${s}p/s`), decimals);
      case "eps": return scaled(v, 1000, SI.map(s => ` ${s}evt/s`), decimals);
      case "hertz": return scaled(v, 1000, [" Hz", " kHz", " MHz", " GHz", " THz"], decimals);
      case "celsius": return fixed(v, decimals) + "°C";
      case "rotrpm": return fixed(v, decimals) + " rpm";
      case "bool": return v ? "True" : "False";
      case "bool_yes_no": return v ? "Yes" : "No";
      case "bool_on_off": return v ? "On" : "Off";
      case "dateTimeAsIso": return new Date(v).toISOString();
      case "currencyUSD": return "$" + scaled(v, 1000, SI, decimals);
      default:
        if (typeof unit === "string" && unit.startsWith("suffix:")) return fixed(v, decimals) + unit.slice(7);
        if (typeof unit === "string" && unit.startsWith("prefix:")) return unit.slice(7) + fixed(v, decimals);
        return scaled(v, 1000, [" ", " K", " Mil", " Bil", " Tri"].map(s => s.trimEnd()), decimals);
    }
  }

  /** Legacy singlestat/graph "format" names map onto the same units. */
  function legacyUnit(format) { return format === "short" || !format ? "short" : format; }

  /** The threshold step a value falls in; percentage thresholds are relative to min..max. */
  function thresholdColor(thresholds, v, min, max) {
    const steps = (thresholds && thresholds.steps) || [{ color: "green", value: null }];
    let chosen = steps[0];
    const percent = thresholds && thresholds.mode === "percentage";
    const x = percent ? ((v - (min ?? 0)) / (((max ?? 100) - (min ?? 0)) || 1)) * 100 : v;
    for (const s of steps) if (s.value === null || s.value === undefined || s.value === -Infinity || x >= s.value) chosen = s;
    return color(chosen.color);
  }

  /** Grafana value mappings (value, range, special, regex) → {text, color} or null. */
  function mapValue(mappings, v) {
    for (const m of mappings || []) {
      const o = m.options || {};
      if (m.type === "value") {
        const hit = o[String(v)];
        if (hit) return hit;
      } else if (m.type === "range") {
        if ((o.from === null || o.from === undefined || v >= o.from) && (o.to === null || o.to === undefined || v <= o.to)) return o.result || null;
      } else if (m.type === "special") {
        const match = o.match;
        if ((match === "null" || match === "nan" || match === "null+nan") && (v === null || Number.isNaN(v))) return o.result;
        if (match === "true" && v === 1) return o.result;
        if (match === "false" && v === 0) return o.result;
      } else if (m.type === "regex") {
        try { if (new RegExp(o.pattern).test(String(v))) return o.result; } catch { /* a bad pattern maps nothing */ }
      }
    }
    return null;
  }

  /** Legacy singlestat valueMaps/rangeMaps. */
  function legacyMappings(panel) {
    const out = [];
    for (const vm of panel.valueMaps || []) if (vm.value !== "null") out.push({ type: "value", options: { [vm.value]: { text: vm.text } } });
    for (const rm of panel.rangeMaps || []) out.push({ type: "range", options: { from: Number(rm.from), to: Number(rm.to), result: { text: rm.text } } });
    return out;
  }

  /** Reducers of Grafana's reduceOptions.calcs and legend calcs (and legacy valueName). Loops, not spreads: long series. */
  function reduce(points, calc) {
    const vals = points.map(p => p[1]);
    const finite = vals.filter(v => v !== null && v !== undefined && !Number.isNaN(v));
    const n = finite.length;
    let min = Infinity, max = -Infinity, sum = 0;
    for (const v of finite) { if (v < min) min = v; if (v > max) max = v; sum += v; }
    const mean = n ? sum / n : null;
    const variance = () => { let s2 = 0; for (const v of finite) s2 += (v - mean) * (v - mean); return s2 / n; };
    switch (calc) {
      case "last": case "current": return vals.length ? vals[vals.length - 1] ?? null : null;
      case "lastNotNull": return n ? finite[n - 1] : null;
      case "first": return vals.length ? vals[0] ?? null : null;
      case "firstNotNull": return n ? finite[0] : null;
      case "mean": case "avg": return mean;
      case "max": return n ? max : null;
      case "min": return n ? min : null;
      case "logmin": { let m = Infinity; for (const v of finite) if (v > 0 && v < m) m = v; return m === Infinity ? null : m; }
      case "sum": case "total": return sum;
      case "count": return vals.length;
      case "range": return n ? max - min : null;
      case "delta": { let d = 0; for (let i = 1; i < n; i++) d += finite[i] >= finite[i - 1] ? finite[i] - finite[i - 1] : finite[i]; return n ? d : null; }
      case "diff": return n ? finite[n - 1] - finite[0] : null;
      case "diffperc": return n && finite[0] !== 0 ? ((finite[n - 1] - finite[0]) / Math.abs(finite[0])) * 100 : null;
      case "median": { if (!n) return null; const s = [...finite].sort((x, y) => x - y); return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; }
      case "variance": return n ? variance() : null;
      case "stdDev": return n ? Math.sqrt(variance()) : null;
      case "distinctCount": return new Set(finite).size;
      case "changeCount": { let c = 0; for (let i = 1; i < n; i++) if (finite[i] !== finite[i - 1]) c++; return c; }
      case "allIsNull": return n === 0 ? 1 : 0;
      case "allIsZero": return n > 0 && finite.every(v => v === 0) ? 1 : 0;
      default: return n ? finite[n - 1] : null;
    }
  }

  /** A series' display name: legendFormat with {{label}} filled in, else Prometheus's name{labels}. */
  function legend(metric, legendFormat) {
    if (legendFormat && legendFormat !== "__auto") return legendFormat.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, l) => metric[l] ?? "");
    const name = metric.__name__ || "";
    const labels = Object.entries(metric).filter(([k]) => k !== "__name__").map(([k, v]) => `${k}="${v}"`).join(", ");
    return labels ? `${name}{${labels}}` : name || "{}";
  }

  return { color, seriesColor, readable, contrast, value, legacyUnit, thresholdColor, mapValue, legacyMappings, reduce, legend, fixed };
})();
