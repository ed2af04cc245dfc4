// A chart's legend as Grafana's options.legend: displayMode list/table/hidden, placement bottom/right, calcs as
// columns (table) or "Name: value" pairs (list), sortBy/sortDesc. Clicking an entry isolates its series, a
// shift- (or ctrl-/cmd-) click adds it to or removes it from what is shown. The legend never scrolls: entries that
// do not fit in the space it is given are summarised as "+N more" (the panel's View shows them all).
"use strict";

const Legend = (() => {
  const el = (...a) => Dom.el(...a);

  /** Grafana's reducer names as its legend headers show them. */
  const CALC_NAMES = {
    lastNotNull: "Last *", last: "Last", firstNotNull: "First *", first: "First", min: "Min", max: "Max", mean: "Mean",
    sum: "Total", count: "Count", range: "Range", delta: "Delta", diff: "Difference", diffperc: "Difference percent",
    median: "Median", variance: "Variance", stdDev: "StdDev", distinctCount: "Distinct count", changeCount: "Change count",
    logmin: "Min (above zero)", allIsNull: "All null", allIsZero: "All zero",
  };

  /**
   * Grafana's options.legend, with a legacy graph panel's legend {show, alignAsTable, rightSide, values, min, max,
   * avg, current, total, sideWidth, sort, sortDesc} mapped onto it.
   */
  function options(panel) {
    const o = panel.options && panel.options.legend;
    if (o) {
      const mode = o.showLegend === false ? "hidden" : o.displayMode || "list";
      return { mode, placement: o.placement === "right" ? "right" : "bottom", calcs: o.calcs || [], width: o.width, sortBy: o.sortBy, sortDesc: !!o.sortDesc };
    }
    const l = panel.legend;
    if (panel.type === "graph" && l) {
      const calcs = l.values ? [["min", "min"], ["max", "max"], ["avg", "mean"], ["current", "lastNotNull"], ["total", "sum"]].filter(([k]) => l[k]).map(([, c]) => c) : [];
      const sortBy = l.sort && { min: "Min", max: "Max", avg: "Mean", current: "Last *", total: "Total" }[l.sort];
      return { mode: l.show === false ? "hidden" : l.alignAsTable ? "table" : "list", placement: l.rightSide ? "right" : "bottom", calcs, width: l.sideWidth, sortBy, sortDesc: !!l.sortDesc };
    }
    return { mode: "list", placement: "bottom", calcs: [] };
  }

  /**
   * Builds the legend for entries [{index, name, color, values: [numbers|null]}]. onShow(shown: boolean[]) is called
   * with the series to draw after a click. Returns the element; fit(el, maxWidth, maxHeight) trims it to its space.
   */
  function build(entries, lg, fmt, onShow) {
    const shown = entries.map(() => true);
    const calcs = lg.calcs || [];
    const rows = entries.map(e => ({ ...e, calcs: calcs.map(c => Format.reduce(e.values.map((v, i) => [i, v]), c)) }));
    if (lg.sortBy) {
      const k = lg.sortBy === "Name" ? -1 : calcs.findIndex(c => CALC_NAMES[c] === lg.sortBy || c === lg.sortBy);
      const key = r => (k < 0 ? r.name : r.calcs[k] ?? -Infinity);
      rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (lg.sortDesc ? -1 : 1));
    }
    const box = el("div", { className: `viz-legend legend-${lg.mode} legend-${lg.placement}` });
    const items = [];
    const click = (row, ev) => {
      const i = row.index;
      const additive = ev.shiftKey || ev.ctrlKey || ev.metaKey;
      const onlyThis = shown.every((s, j) => s === (j === i));
      if (additive) shown[i] = !shown[i];
      else for (let j = 0; j < shown.length; j++) shown[j] = onlyThis ? true : j === i;
      if (!shown.some(Boolean)) shown.fill(true);
      for (const it of items) it.el.classList.toggle("series-hidden", !shown[it.index]);
      onShow([...shown]);
    };
    const item = (tag, row, ...children) => el(tag, { className: "legend-item", tabIndex: 0, title: "click: show only this series; shift-click: add or remove it",
      onclick: ev => click(row, ev), onkeydown: ev => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); click(row, ev); } } }, ...children);
    const swatch = r => el("span", { className: "legend-swatch", style: { background: r.color } });
    const name = r => el("span", { className: "legend-name", textContent: r.name, title: r.name });
    if (lg.mode === "table") {
      const table = el("table", { className: "legend-table" });
      table.append(el("thead", {}, el("tr", {}, el("th", { textContent: "Name" }), ...calcs.map(c => el("th", { textContent: CALC_NAMES[c] || c })))));
      const tbody = el("tbody");
      for (const r of rows) {
        const tr = item("tr", r, el("td", { className: "legend-series" }, el("div", {}, swatch(r), name(r))),
          ...r.calcs.map(v => el("td", { className: "legend-calc", textContent: fmt(v) })));
        tbody.append(tr);
        items.push({ el: tr, index: r.index });
      }
      table.append(tbody);
      box.append(table);
    } else {
      for (const r of rows) {
        const node = item("div", r, swatch(r), name(r),
          ...r.calcs.map((v, k) => el("span", { className: "legend-calc" }, `${CALC_NAMES[calcs[k]] || calcs[k]}: `, el("strong", { textContent: fmt(v) }))));
        box.append(node);
        items.push({ el: node, index: r.index });
      }
    }
    box.items = items;
    return box;
  }

  /** Trims the legend (already in the document) to maxHeight: the last entries go, counted as "+N more". */
  function fit(box, maxHeight) {
    const tbody = box.querySelector("tbody");
    const label = Dom.el(tbody ? "td" : "div", { className: "legend-more muted", colSpan: 99 });
    const more = tbody ? Dom.el("tr", {}, label) : label;
    return Dom.trim(tbody || box, box.items.map(i => i.el), () => box.scrollHeight > maxHeight + 0.5, more, label);
  }

  return { options, build, fit, CALC_NAMES };
})();
