// Dashboard annotations drawn on every time series: the built-in "Annotations & Alerts" (mlobs's own alert state
// changes, from its ALERTS series: pending in orange, firing in red) and Prometheus annotation queries as Grafana
// runs them (each series' non-zero samples are events, samples closer than the step join into a region; title,
// text and tags from titleFormat, textFormat and tagKeys; useValueForTime).
"use strict";

const Annotations = (() => {
  const STATE_COLORS = { pending: "#FF9830", firing: "#F2495C" };

  function fill(format, metric) {
    return String(format || "").replace(/\{\{\s*(.+?)\s*\}\}/g, (_, l) => metric[l] ?? "");
  }

  /** Events [{time, timeEnd, ...}] from a range result: contiguous non-zero samples (gap <= step) form one. */
  function regions(result, stepS, make, useValueForTime) {
    const out = [];
    for (const s of result) {
      let cur = null;
      for (const [t, v] of s.values) {
        const n = Number(v);
        if (!n || !Number.isFinite(n)) { cur = null; continue; }
        const time = useValueForTime ? n / 1000 : Number(t);
        if (!useValueForTime && cur && time - cur.timeEnd <= stepS + 1e-9) { cur.timeEnd = time; continue; }
        cur = { time, timeEnd: time, ...make(s.metric) };
        out.push(cur);
      }
    }
    return out;
  }

  /** The events of a dashboard's enabled annotations over [from, to] (ms); what cannot be read is listed in skipped. */
  async function load(dash, from, to, vars) {
    // `hide` only hides the on/off toggle in Grafana's controls: hidden annotations are still drawn.
    const list = ((dash.annotations && dash.annotations.list) || []).filter(a => a.enable !== false);
    const events = [], skipped = [];
    const spanS = (to - from) / 1000;
    await Promise.all(list.map(async a => {
      const ds = a.datasource;
      const dsType = typeof ds === "object" && ds ? ds.type : ds;
      try {
        if (a.builtIn === 1 || dsType === "grafana" || ds === "-- Grafana --") {
          const step = Math.max(15, Math.ceil(spanS / 500));
          const data = await Api.range("ALERTS", from / 1000, to / 1000, step);
          events.push(...regions(data.result, step, m => ({
            title: `${m.alertname} ${m.alertstate}`, color: STATE_COLORS[m.alertstate] || a.iconColor || "#8AB8FF", source: a.name || "Annotations & Alerts",
            text: Object.entries(m).filter(([k]) => !["__name__", "alertname", "alertstate"].includes(k)).map(([k, v]) => `${k}=${v}`).join(", "), tags: [m.alertstate],
          })));
        } else if (typeof a.expr === "string" && a.expr) {
          const step = Math.max(1, (Templating.parseDuration(a.step || "60s") || 60000) / 1000);
          const expr = Templating.interpolate(a.expr, Object.assign({}, vars, Templating.builtIns(from, to, step * 1000)));
          const data = await Api.range(expr, from / 1000, to / 1000, step);
          events.push(...regions(data.result, step, m => ({
            title: a.titleFormat ? fill(a.titleFormat, m) : a.name, text: fill(a.textFormat, m), color: Format.color(a.iconColor || "rgba(0, 211, 255, 1)"), source: a.name,
            tags: String(a.tagKeys || "").split(",").map(k => m[k.trim()]).filter(Boolean),
          }), !!a.useValueForTime));
        } else skipped.push(a.name || "annotation");
      } catch (e) { skipped.push(`${a.name || "annotation"}: ${e.message}`); }
    }));
    return { events, skipped };
  }

  /**
   * A uPlot plugin drawing the events: a region (or a dashed line for a point in time) in the event's colour on
   * the plot, and a marker under it whose tooltip (title attribute) says what it was.
   */
  function plugin(events, timeZone) {
    return {
      hooks: {
        draw: u => {
          const g = u.ctx, top = u.bbox.top, height = u.bbox.height;
          g.save();
          for (const e of events) {
            const x0 = u.valToPos(e.time, "x", true), x1 = u.valToPos(e.timeEnd, "x", true);
            if (x1 < u.bbox.left || x0 > u.bbox.left + u.bbox.width) continue;
            g.strokeStyle = e.color; g.fillStyle = e.color;
            if (x1 - x0 > 2) { g.globalAlpha = 0.12; g.fillRect(x0, top, x1 - x0, height); }
            g.globalAlpha = 0.8; g.setLineDash([4, 4]); g.lineWidth = 1;
            g.beginPath(); g.moveTo(Math.round(x0) + 0.5, top); g.lineTo(Math.round(x0) + 0.5, top + height); g.stroke();
          }
          g.restore();
          u.over.querySelectorAll(".annotation-marker").forEach(m => m.remove());
          for (const e of events) {
            const x = u.valToPos(e.time, "x");
            if (x < 0 || x > u.over.clientWidth) continue;
            u.over.append(Dom.el("div", { className: "annotation-marker", style: { left: Math.max(0, Math.min(u.over.clientWidth - 8, x - 4)) + "px", background: e.color },
              title: `${e.title}\n${TimePicker.format(e.time * 1000, timeZone)}${e.timeEnd > e.time ? " to " + TimePicker.format(e.timeEnd * 1000, timeZone) : ""}${e.text ? "\n" + e.text : ""}${e.tags && e.tags.length ? "\ntags: " + e.tags.join(", ") : ""}` }));
          }
        },
      },
    };
  }

  return { load, plugin, regions };
})();
