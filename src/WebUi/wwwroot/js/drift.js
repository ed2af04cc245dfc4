// The Drift page: per drift monitor (GET /api/v1/drift) the groups (features, models) with their scores, which
// drifted, and for the selected group the baseline and current distributions drawn over each other plus the scores
// over time — what an ML engineer opens when a drift alert fires.
"use strict";

const DriftPage = (() => {
  const el = Dom.el;
  const BASELINE = "#8e8e8e", CURRENT = "#e0752d";

  const fmt = v => (typeof v === "number" ? (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : +v.toFixed(4)).toString() : String(v));
  // increase() extrapolates, so window counts are fractional: whole numbers read better once they are large.
  const count = n => (n >= 100 ? Math.round(n).toLocaleString("en-US") : fmt(n));
  const labelText = labels => Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ") || "(whole monitor)";

  /** Baseline and current shares per bin as paired bars, with the bins along the bottom and a legend. */
  function distributionChart(host, bins, baseline, current) {
    host.replaceChildren();
    const width = Math.max(280, host.clientWidth || 560), height = 230, left = 44, bottom = 38, top = 22;
    const canvas = el("canvas", { width, height, className: "drift-distribution", role: "img" });
    canvas.setAttribute("aria-label", `baseline and current distribution over ${bins.length} bins`);
    host.append(canvas);
    const g = canvas.getContext("2d");
    // A round top for the share axis: the smallest of these steps that fits the data in five ticks.
    const top0 = Math.max(0.0001, ...baseline, ...current);
    const stepShare = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25].find(st => top0 / st <= 5) || 0.25;
    const ticks = Math.ceil(top0 / stepShare), max = ticks * stepShare;
    const plotW = width - left - 8, plotH = height - top - bottom, slot = plotW / Math.max(1, bins.length);
    const theme = Charts.themeColors();
    g.font = "11px system-ui, sans-serif";
    g.strokeStyle = theme.grid;
    g.fillStyle = theme.axis;
    for (let i = 0; i <= ticks; i++) {
      const y = top + plotH - (plotH * i) / ticks;
      g.beginPath(); g.moveTo(left, y); g.lineTo(width - 8, y); g.stroke();
      g.fillText(`${+(stepShare * i * 100).toFixed(1)}%`, 2, y + 4);
    }
    bins.forEach((bin, i) => {
      const x = left + i * slot, w = Math.max(1, slot * 0.38);
      const hb = (baseline[i] / max) * plotH, hc = (current[i] / max) * plotH;
      g.fillStyle = BASELINE; g.fillRect(x + slot * 0.1, top + plotH - hb, w, hb);
      g.fillStyle = CURRENT; g.fillRect(x + slot * 0.1 + w, top + plotH - hc, w, hc);
      g.fillStyle = theme.axis;
      // Every bin's label when they fit, else every n-th.
      const every = Math.ceil((bins.length * 34) / plotW);
      if (i % every === 0) {
        const text = bin.length > 8 ? bin.slice(0, 7) + "…" : bin;
        g.fillText(text, x + slot / 2 - g.measureText(text).width / 2, height - bottom + 14);
      }
    });
    g.fillStyle = BASELINE; g.fillRect(left, 6, 10, 10);
    g.fillStyle = theme.text; g.fillText("baseline", left + 14, 15);
    g.fillStyle = CURRENT; g.fillRect(left + 80, 6, 10, 10);
    g.fillStyle = theme.text; g.fillText("current", left + 94, 15);
    g.fillStyle = theme.axis; g.fillText("bin (le or category)", left, height - 6);
  }

  /** How far back the score chart looks: 360 evaluations, at least 15 minutes and at most a day. */
  function historySpan(monitor) {
    const ms = Templating.parseDuration(monitor.interval) || 60000;
    return Math.min(86400, Math.max(900, (360 * ms) / 1000));
  }

  const spanText = s => {
    const [n, unit] = s >= 3600 ? [+(s / 3600).toFixed(1), "hour"] : [Math.round(s / 60), "minute"];
    return n === 1 ? `${unit}` : `${n} ${unit}s`;
  };

  /** The group's recent scores, one line per method, from the stored mlobs_drift_score series. */
  async function scoreHistory(host, monitor, group) {
    host.replaceChildren(Dom.notice("Loading scores…"));
    const matchers = [`monitor="${monitor.name}"`, ...Object.entries(group.labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)];
    const end = Math.floor(Date.now() / 1000), start = end - historySpan(monitor), step = Math.max(1, Math.ceil((end - start) / 400));
    try {
      const data = await Api.range(`mlobs_drift_score{${matchers.join(",")}}`, start, end, step);
      host.replaceChildren();
      Charts.timeSeries(host, data.result.map(r => ({ name: r.metric.method, values: r.values })), { from: start, to: end, stepS: step, height: 200 });
    } catch (e) { host.replaceChildren(Dom.notice(e.message, "notice error")); }
  }

  function scoreCell(score) {
    const cell = el("td", { className: score.drifted ? "drift-yes" : "drift-no", textContent: fmt(score.score) });
    cell.title = `${score.method}: ${fmt(score.score)} against threshold ${fmt(score.threshold)}${score.statistic !== undefined ? ` (statistic ${fmt(score.statistic)})` : ""}`;
    return cell;
  }

  function monitorSection(m, selected, select) {
    const e = m.lastEvaluation;
    const baseline = m.pinned ? `pinned ${m.pinned.from} to ${m.pinned.to}` : e ? e.baseline : "";
    const head = el("div", { className: "drift-head" },
      el("h3", { textContent: m.name }),
      e && e.share !== null && e.share !== undefined
        ? el("span", { className: e.datasetDrift ? "badge drift-yes" : "badge drift-no", textContent: e.datasetDrift ? `DRIFT · ${e.groupsDrifted} of ${e.groupsScored}` : `no dataset drift · ${e.groupsDrifted} of ${e.groupsScored}` })
        : null,
      el("span", { className: "muted", textContent: ` ${m.kind} ${m.selector} · current ${m.current} · baseline ${baseline} · every ${m.interval}${e ? ` · evaluated ${new Date(e.time).toLocaleTimeString()}` : ""}` }));
    const section = el("section", { className: "drift-monitor" }, head);
    if (!e) { section.append(Dom.notice("Not evaluated yet.")); return section; }
    if (e.error) { section.append(Dom.notice(e.error, "notice error")); return section; }
    if (!e.groups.length) { section.append(Dom.notice(`No series match ${m.selector} in either window.`)); return section; }
    const methods = m.methods.map(x => x.method);
    // Drifted groups first, then by their first score's distance from passing.
    const groups = [...e.groups].sort((a, b) => (b.drifted - a.drifted) || labelText(a.labels).localeCompare(labelText(b.labels)));
    const current = groups.find(g => labelText(g.labels) === selected) || groups.find(g => !g.skipped) || groups[0];
    const table = el("table", { className: "data drift-groups" },
      el("thead", {}, el("tr", {}, el("th", { textContent: "Group" }), el("th", { textContent: "Baseline n" }), el("th", { textContent: "Current n" }),
        ...m.methods.map(x => el("th", { textContent: x.method, title: `${x.title}, threshold ${fmt(x.threshold)}` })), el("th", { textContent: "Status" }))),
      el("tbody", {}, ...groups.map(g => {
        const row = el("tr", { className: g === current ? "selected" : "", tabIndex: 0 },
          el("td", {}, ...(Object.keys(g.labels).length ? Dom.labels(g.labels) : [el("span", { className: "muted", textContent: "(whole monitor)" })])),
          el("td", { textContent: count(g.baselineSamples) }), el("td", { textContent: count(g.currentSamples) }),
          ...methods.map(name => { const s = g.scores.find(x => x.method === name); return s ? scoreCell(s) : el("td", { className: "muted", textContent: "–" }); }),
          el("td", { className: g.skipped ? "muted" : g.drifted ? "drift-yes" : "drift-no", textContent: g.skipped ? `no score: ${g.skipped}` : g.drifted ? "drifted" : "ok" }));
        const pick = () => select(m.name, labelText(g.labels));
        row.addEventListener("click", pick);
        row.addEventListener("keydown", ev => { if (ev.key === "Enter") pick(); });
        return row;
      })));
    section.append(table);
    if (current) {
      const chart = el("div", { className: "drift-chart" });
      const history = el("div", { className: "drift-history" });
      section.append(el("div", { className: "drift-detail" },
        el("div", {}, el("h4", { textContent: `Distribution · ${labelText(current.labels)}` }), chart),
        el("div", {}, el("h4", { textContent: `Scores, last ${spanText(historySpan(m))}` }), history)));
      requestAnimationFrame(() => {
        if (current.bins.length) distributionChart(chart, current.bins, current.baselineShares, current.currentShares);
        else chart.append(Dom.notice("No data"));
        scoreHistory(history, m, current);
      });
    }
    return section;
  }

  async function page(root) {
    const body = el("div");
    root.append(el("h2", { textContent: "Drift" }),
      el("p", { className: "muted", textContent: "Drift monitors compare each feature's or model's distribution in the current window with its baseline (drift_monitors in the config). Scores are stored as mlobs_drift_score{monitor, method, …}; p-value tests drift below their threshold, distances above it. Click a group to see its distributions." }),
      body);
    const selected = new Map();
    const draw = async () => {
      try {
        const monitors = await Api.get("/api/v1/drift");
        if (!monitors.length) { body.replaceChildren(Dom.notice("No drift monitors configured. Add a drift_monitors section to the config, or compare two files with: mlobs drift REFERENCE.csv CURRENT.csv")); return; }
        const select = (monitor, group) => { selected.set(monitor, group); draw(); };
        body.replaceChildren(...monitors.map(m => monitorSection(m, selected.get(m.name), select)));
      } catch (e) { body.replaceChildren(Dom.notice(e.message, "notice error")); }
    };
    await draw();
    Pages.every(15000, draw);
  }

  return { page, distributionChart };
})();
