// The hover tooltip of time-series charts, as Grafana's options.tooltip.mode: "single" (the series nearest the
// pointer), "multi"/"all" (every shown series at that time, with options.tooltip.sort), "none"/"hidden". One
// element in the page's body serves every chart, so re-drawn panels never leave tooltips behind and a tooltip is
// never clipped by (or scrolls) the panel it belongs to.
"use strict";

const Tooltip = (() => {
  let tip = null;

  function element() {
    if (!tip) { tip = Dom.el("div", { className: "chart-tooltip", role: "tooltip" }); tip.hidden = true; document.body.append(tip); }
    return tip;
  }

  function hide() { if (tip) tip.hidden = true; }

  /** Grafana's tooltip options, with a legacy graph panel's tooltip {shared, sort} mapped in. */
  function options(panel) {
    const t = panel.options && panel.options.tooltip;
    if (t) return { mode: t.mode === "all" ? "multi" : t.mode === "hidden" ? "none" : t.mode || "single", sort: t.sort || "none" };
    if (panel.tooltip) return { mode: panel.tooltip.shared === false ? "single" : "multi", sort: panel.tooltip.sort === 1 ? "asc" : panel.tooltip.sort === 2 ? "desc" : "none" };
    return { mode: "single", sort: "none" };
  }

  /** A uPlot plugin drawing the tooltip for names[i]/colors[i] with fmt(value). */
  function plugin(tooltip, names, colors, fmt, timeZone) {
    const mode = tooltip.mode || "single";
    return {
      hooks: {
        init: u => { u.over.addEventListener("mouseleave", hide); },
        setCursor: u => {
          const { idx, left, top } = u.cursor;
          if (mode === "none" || idx === null || idx === undefined || left < 0) { hide(); return; }
          let rows = [];
          for (let i = 1; i < u.series.length; i++) {
            if (!u.series[i].show) continue;
            const v = u.data[i][idx];
            if (v === null || v === undefined) continue;
            rows.push({ i, v, raw: u.data[i].raw ? u.data[i].raw[idx] : v, y: u.valToPos(v, "y") });
          }
          if (!rows.length) { hide(); return; }
          if (mode === "single") rows = [rows.reduce((a, b) => (Math.abs(b.y - top) < Math.abs(a.y - top) ? b : a))];
          else if (tooltip.sort === "asc") rows.sort((a, b) => a.raw - b.raw);
          else if (tooltip.sort === "desc") rows.sort((a, b) => b.raw - a.raw);
          const t = element();
          t.replaceChildren(Dom.el("div", { className: "tooltip-time", textContent: TimePicker.format(u.data[0][idx] * 1000, timeZone) }),
            ...rows.map(r => Dom.el("div", { className: "tooltip-row" },
              Dom.el("span", { className: "legend-swatch", style: { background: colors[r.i - 1] } }),
              Dom.el("span", { className: "tooltip-name", textContent: names[r.i - 1] }),
              Dom.el("strong", { textContent: fmt(r.raw) }))));
          t.hidden = false;
          const box = u.over.getBoundingClientRect();
          const w = t.offsetWidth, h = t.offsetHeight;
          let x = box.left + left + 14, y = box.top + top + 14;
          if (x + w > window.innerWidth - 4) x = box.left + left - w - 14;
          if (y + h > window.innerHeight - 4) y = Math.max(4, box.top + top - h - 14);
          t.style.left = Math.max(4, x) + "px";
          t.style.top = y + "px";
        },
      },
    };
  }

  return { options, plugin, hide };
})();
