// A Grafana dashboard in the browser: variables bar, time range, the 24-column grid with rows that collapse and
// expand, and each panel's queries. Data comes from mlobs's API, or from the file itself in a snapshot.
"use strict";

const DashboardView = (() => {
  const CELL = 30, GAP = 8, UNIT = CELL + GAP;

  /** Where a dashboard's data comes from: the live API, or what `mlobs snapshot` embedded. */
  const LiveData = {
    resolveVariables: (dash, from, to, chosen) => Templating.resolve(dash, from, to, chosen),
    /**
     * A panel's queries: its Prometheus targets in one /api/ds/query request (as Grafana's front end asks), each
     * with the step its interval gives; Loki targets through Loki's API. Frames come back in the targets' order.
     */
    async frames(panel, vars, from, to, widthPx) {
      const points = panel.maxDataPoints || Math.max(100, widthPx);
      const interval = Templating.panelInterval(to - from, points, panel.interval);
      const out = [];
      const queries = [];
      let stepS = interval / 1000;
      for (const t of panel.targets || []) {
        if (t.hide || typeof t.expr !== "string") continue;
        let targetInterval = interval;
        if (t.interval) targetInterval = Templating.panelInterval(to - from, points, Templating.interpolate(t.interval, vars));
        if (t.intervalFactor > 1) targetInterval *= t.intervalFactor;
        if (Templating.isLokiTarget(panel, t)) { out.push(lokiFrame(panel, t, vars, from, to, targetInterval)); continue; }
        const all = Object.assign({}, vars, Templating.builtIns(from, to, targetInterval));
        const expr = Templating.interpolate(t.expr, all);
        const step = Templating.queryStepS(to - from, targetInterval);
        stepS = step;
        const frame = { refId: t.refId, legendFormat: t.legendFormat, expr };
        queries.push({ refId: "q" + queries.length, expr, instant: !!t.instant, range: !t.instant, intervalMs: step * 1000, maxDataPoints: points, legendFormat: t.legendFormat || "", frame });
        out.push(frame);
      }
      if (queries.length) {
        try {
          const results = await Api.dsQuery(queries.map(({ frame, ...q }) => q), Math.round(from), Math.round(to));
          for (const q of queries) {
            const answer = results[q.refId];
            if (!answer) q.frame.error = "no answer for this query";
            else if (answer.error) q.frame.error = answer.error;
            else q.frame.data = Frames.toPrometheus(answer, q.instant);
          }
        } catch (e) {
          for (const q of queries) q.frame.error = e.message;
        }
      }
      return { frames: await Promise.all(out), stepS };
    },
  };

  /** A Loki target: log lines for a log query (frame.logs), a matrix in Prometheus's shape for a metric query. */
  async function lokiFrame(panel, t, vars, from, to, interval) {
    const all = Object.assign({}, vars, Templating.builtIns(from, to, interval));
    const expr = Templating.interpolate(t.expr, all);
    try {
      if (expr.trim().startsWith("{")) {
        const limit = t.maxLines || panel.maxDataPoints || 1000;
        return { refId: t.refId, expr, logs: await Logs.lines(expr, from, to, limit, false) };
      }
      const step = Templating.queryStepS(to - from, interval);
      const data = await Api.loki("/loki/api/v1/query_range", { query: expr, start: from / 1000, end: to / 1000, step });
      return { refId: t.refId, legendFormat: t.legendFormat, expr, data };
    } catch (e) {
      return { refId: t.refId, legendFormat: t.legendFormat, expr, error: e.message };
    }
  }

  const SnapshotData = snap => ({
    resolveVariables: async () => snap.variables.map(v => ({ variable: v.variable, options: v.options, value: v.value, error: v.error })),
    async frames(panel) { return snap.panels[String(panel.id)] || { frames: [], stepS: 60 }; },
  });

  /** Sections: panels before the first row, then each row with the panels it holds (inside it when collapsed). */
  function sections(panels) {
    const sorted = [...panels].sort((a, b) => (a.gridPos?.y ?? 0) - (b.gridPos?.y ?? 0) || (a.gridPos?.x ?? 0) - (b.gridPos?.x ?? 0));
    const out = [{ row: null, panels: [] }];
    for (const p of sorted) {
      if (p.type === "row") out.push({ row: p, panels: p.collapsed ? (p.panels || []) : [] });
      else out[out.length - 1].panels.push(p);
    }
    return out;
  }

  /**
   * A section's panels moved up as far as they go without overlapping (Grafana's grid compacts vertically), with
   * y relative to the section's top: a collapsed row's panels keep the positions they had when it was open, which
   * may lie far below.
   */
  function compact(panels) {
    const items = panels.map(p => ({ panel: p, g: Object.assign({ x: 0, y: 0, w: 12, h: 8 }, p.gridPos) }))
      .sort((a, b) => a.g.y - b.g.y || a.g.x - b.g.x);
    const placed = [];
    for (const it of items) {
      let y = 0;
      for (const o of placed) if (o.g.x < it.g.x + it.g.w && it.g.x < o.g.x + o.g.w) y = Math.max(y, o.g.y + o.g.h);
      it.g = { ...it.g, y };
      placed.push(it);
    }
    return placed;
  }

  /**
   * Panels with `repeat`: one copy per selected value of the variable (every option for All), each seeing only its
   * value, side by side (`repeatDirection` "h", at most `maxPerRow` per row) or stacked ("v"), as Grafana repeats them.
   * Copies are keyed "id-index", as PanelQueries.Copies keys a snapshot's data.
   */
  function repeated(panels, vars) {
    const out = [];
    for (const p of panels) {
      const values = Templating.repeatValues(p, vars);
      if (values.length === 0) { out.push(p); continue; }
      const g = Object.assign({ x: 0, y: 0, w: 12, h: 8 }, p.gridPos);
      const vertical = p.repeatDirection === "v";
      const w = vertical ? g.w : Math.max(Math.floor(24 / values.length), Math.floor(24 / (p.maxPerRow || 4)));
      values.forEach((value, i) => {
        const one = { values: [value], isAll: false, multi: false, includeAll: false, allValue: null, all: [value] };
        const gridPos = vertical ? { x: g.x, y: g.y + i * g.h, w: g.w, h: g.h }
          : { x: (i * w) % 24, y: g.y + Math.floor((i * w) / 24) * g.h, w, h: g.h };
        out.push(Object.assign({}, p, { id: `${p.id}-${i}`, gridPos, __vars: { [p.repeat]: one } }));
      });
    }
    return out;
  }

  class View {
    constructor(root, dash, opts) {
      this.root = root;
      this.dash = dash;
      this.data = opts.snapshot ? SnapshotData(opts.snapshot) : LiveData;
      this.snapshot = opts.snapshot || null;
      this.from = opts.from;
      this.to = opts.to;
      this.fromText = opts.fromText;
      this.toText = opts.toText;
      this.chosen = opts.chosen || {};
      this.timeZone = opts.timeZone || dash.timezone || "browser";
      Templating.settings.timeZone = this.timeZone;
      this.refreshEvery = this.chosen.__refresh ?? (dash.refresh || "");
      this.sections = sections(dash.panels || []);
      this.collapsed = new Map(this.sections.filter(s => s.row).map(s => [s.row.id, !!s.row.collapsed]));
      this.onChange = opts.onChange || (() => {});
      this.opts = opts;
      this.rendered = 0;
    }

    async start() {
      this.root.replaceChildren();
      const title = Dom.el("h2", { className: "dash-title", textContent: this.dash.title || "Dashboard" });
      this.bar = Dom.el("div", { className: "var-bar" });
      this.grid = Dom.el("div", { className: "dash-grid" });
      this.root.append(Dom.el("div", { className: "dash-head" }, title, this.snapshot ? Dom.el("span", { className: "muted", textContent: `snapshot ${new Date(this.from).toLocaleString()} – ${new Date(this.to).toLocaleString()}` }) : this.timeControls()), this.bar, this.grid);
      await this.loadVariables();
      this.layout();
      if (this.opts.viewPanel) this.view(this.opts.viewPanel, false);
      let pending = null;
      // A window resize lays the grid out again and redraws each panel from the data it already has.
      this.resizeHandler = () => { clearTimeout(pending); pending = setTimeout(() => this.layout(true), 150); };
      window.addEventListener("resize", this.resizeHandler);
      if (!this.snapshot) this.startTimer();
    }

    stop() {
      this.closeView(false);
      document.querySelector(".inspect-drawer")?.remove();
      clearInterval(this.timer);
      window.removeEventListener("resize", this.resizeHandler);
      this.observer?.disconnect();
    }

    timeControls() {
      return TimePicker.create({ fromText: this.fromText, toText: this.toText, timeZone: this.timeZone, refresh: this.refreshEvery }, {
        onApply: range => this.onChange(range),
        onZone: zone => this.onChange({ timeZone: zone }),
        onRefresh: every => { this.refreshEvery = every; this.startTimer(); this.onChange({ refresh: every }); },
        onRefreshNow: () => this.refreshTimes(),
      });
    }

    /** The refresh picker's interval (the URL's refresh=, else the dashboard's `refresh`), at least 5 s as Grafana's minimum. */
    startTimer() {
      clearInterval(this.timer);
      const ms = this.refreshEvery ? Templating.parseDuration(this.refreshEvery) : null;
      if (ms && ms >= 5000) this.timer = setInterval(() => this.refreshTimes(), ms);
    }

    refreshTimes() {
      const now = Date.now();
      this.from = Templating.parseTime(this.fromText, now);
      this.to = Templating.parseTime(this.toText, now, true);
      this.layout();
    }

    async loadVariables() {
      this.resolved = await this.data.resolveVariables(this.dash, this.from, this.to, this.chosen);
      this.vars = Templating.builtIns(this.from, this.to, Templating.settings.scrapeMs);
      for (const r of this.resolved) this.vars[r.variable.name] = r.value;
      this.bar.replaceChildren(...this.resolved.filter(r => r.variable.hide !== 2 && r.variable.type !== "constant").map(r => this.variableControl(r)));
    }

    variableControl(r) {
      const v = r.variable;
      const labelText = v.hide === 1 ? "" : v.label || v.name;
      const simple = (...children) => Dom.el("div", { className: "var-picker", "data-var": v.name }, labelText ? Dom.el("span", { className: "var-label", textContent: labelText }) : "", ...children);
      if (r.error) return simple(Dom.el("span", { className: "error", textContent: r.error }));
      if (v.type === "textbox") {
        const input = Dom.el("input", { className: "var-text", value: r.value.values[0] || "", "aria-label": labelText || v.name, onchange: () => this.choose(v.name, [input.value]) });
        return simple(input);
      }
      if (v.type === "datasource") return simple(Dom.el("span", { className: "var-static", textContent: "mlobs" }));
      if (v.type === "adhoc") return simple(Dom.el("span", { className: "muted", textContent: "(ad hoc filters not supported)" }));
      return VariablePicker.create(v, r.options, r.value, values => this.choose(v.name, values));
    }

    async choose(name, values) {
      this.chosen[name] = values;
      this.onChange({ vars: this.chosen });
      await this.loadVariables();
      this.layout();
    }

    /** A drag across a time series: the dashboard shows that range (a new history entry, so Back returns). */
    zoom(fromS, toS) {
      if (!(toS > fromS)) return;
      this.onChange({ from: String(Math.round(fromS * 1000) / 1000), to: String(Math.round(toS * 1000) / 1000), push: true });
    }

    /** Places sections on the grid and (re)renders every visible panel; reuse draws from the data already loaded. */
    layout(reuse = false) {
      if (!reuse || !this.cache) {
        this.cache = new Map();
        // Annotations load beside the panels' queries; each time series waits for them before drawing.
        this.annotationsReady = this.snapshot ? Promise.resolve({ events: [], skipped: [] })
          : Annotations.load(this.dash, this.from, this.to, this.vars).catch(e => ({ events: [], skipped: [e.message] }));
        this.annotationsReady.then(a => {
          this.bar.querySelector(".annotations-note")?.remove();
          if (a.skipped.length) this.bar.append(Dom.el("span", { className: "notice unsupported annotations-note", textContent: "unsupported: annotations (" + a.skipped.join("; ") + ")" }));
        });
      }
      this.placed = [];
      const width = this.grid.clientWidth || 1200;
      const col = width / 24;
      this.grid.replaceChildren();
      let cursor = 0;
      this.rendered = 0;
      const jobs = [];
      for (const s of this.sections) {
        if (s.row) {
          const collapsed = this.collapsed.get(s.row.id);
          const header = Dom.el("div", { className: "dash-row" + (collapsed ? " collapsed" : ""), "data-row": s.row.id, style: { top: cursor * UNIT + "px" },
            onclick: () => { this.collapsed.set(s.row.id, !collapsed); this.layout(); } },
          Dom.el("span", { className: "chevron", textContent: collapsed ? "▸" : "▾" }), " ", Templating.interpolate(s.row.title || "", this.vars),
          collapsed ? Dom.el("span", { className: "muted", textContent: ` (${s.panels.length} panels)` }) : null);
          this.grid.append(header);
          cursor += 1;
          if (collapsed) continue;
        }
        if (!s.panels.length) continue;
        let bottom = 0;
        for (const { panel: p, g } of compact(repeated(s.panels, this.vars))) {
          const vars = p.__vars ? Object.assign({}, this.vars, p.__vars) : this.vars;
          this.placed.push({ panel: p, vars });
          const box = Dom.el("div", { className: "panel", "data-panel": p.id, "data-type": p.type,
            style: { left: g.x * col + "px", top: (cursor + g.y) * UNIT + "px", width: g.w * col - GAP + "px", height: g.h * UNIT - GAP + "px" } });
          const body = Dom.el("div", { className: "panel-body" });
          box.append(this.panelHeader(p, vars), body);
          this.grid.append(box);
          bottom = Math.max(bottom, g.y + g.h);
          jobs.push({ box, top: (cursor + g.y) * UNIT, bottom: (cursor + g.y + g.h) * UNIT, load: () => this.renderPanel(p, box, body, g.w * col, vars) });
        }
        cursor += bottom;
      }
      this.grid.style.height = cursor * UNIT + "px";
      this.loadInView(jobs, 12);
    }

    /** The title bar: the title (its description as a tooltip) and the panel menu (View, Inspect, Download CSV). */
    panelHeader(p, vars) {
      const title = Templating.interpolate(p.title || "", vars);
      return Dom.el("div", { className: "panel-header" },
        Dom.el("div", { className: "panel-title", textContent: title, title: p.description || "" }),
        DataLinks.panelLinks(p, { vars, from: this.from, to: this.to }),
        p.type === "text" ? null : PanelMenu.button({ title, panel: p, timeZone: this.timeZone, onView: () => this.view(p.id, true), data: () => this.panelData(p) }));
    }

    /** What a panel drew: its series and the frames they came from (null before its queries returned). */
    panelData(p) {
      const result = this.cache && this.cache.get(String(p.id));
      if (!result) return null;
      const frames = result.frames.filter(f => !f.error);
      return { series: Panels.seriesOf(frames, p), frames: result.frames };
    }

    /** View: the panel alone over the whole page (Grafana's viewPanel=; Escape or Back returns to the grid). */
    view(id, push) {
      const found = this.placed && this.placed.find(x => String(x.panel.id) === String(id));
      if (!found) return;
      if (push) this.onChange({ viewPanel: String(id), push: true });
      this.closeView();
      const { panel: p, vars } = found;
      const body = Dom.el("div", { className: "panel-body" });
      const box = Dom.el("div", { className: "panel panel-viewed", "data-panel": p.id, "data-type": p.type }, this.panelHeader(p, vars), body);
      const overlay = Dom.el("div", { className: "panel-view", role: "dialog", "aria-label": `View: ${p.title || "panel"}` },
        Dom.el("button", { type: "button", className: "panel-view-back", textContent: "← Back to dashboard", onclick: () => this.closeView(true) }), box);
      document.body.append(overlay);
      this.viewKey = e => { if (e.key === "Escape" && !document.querySelector(".inspect-drawer")) this.closeView(true); };
      document.addEventListener("keydown", this.viewKey);
      overlay.querySelector(".panel-view-back").focus();
      this.renderPanel(p, box, body, body.clientWidth, vars);
    }

    closeView(navigate) {
      const overlay = document.querySelector(".panel-view");
      if (!overlay) return;
      overlay.remove();
      document.removeEventListener("keydown", this.viewKey);
      if (navigate) this.onChange({ viewPanel: null });
    }

    /**
     * Loads each panel as it comes into view, as Grafana does: what is on screen first, the rest when the page is
     * scrolled to it (a 100-panel dashboard asks only for what a person looks at; bench/ui measured it). A few load
     * at a time — more than the browser's six connections per host, so the next queries wait at the server while a
     * panel draws.
     */
    loadInView(jobs, parallel) {
      this.observer?.disconnect();
      const generation = (this.generation = (this.generation || 0) + 1);
      const queue = [];
      let active = 0;
      const pump = () => {
        while (active < parallel && queue.length && generation === this.generation) {
          active++;
          queue.shift()().finally(() => { active--; pump(); });
        }
      };
      // Panels on screen now start at once (the observer would first wait for a frame to be drawn); the grid's
      // place on screen costs one layout, which that first frame needs anyway.
      const gridTop = this.grid.getBoundingClientRect().top, margin = 50;
      const onScreen = j => gridTop + j.top < window.innerHeight + margin && gridTop + j.bottom > -margin;
      for (const j of jobs) if (onScreen(j)) queue.push(j.load);
      pump();
      const load = new Map(jobs.filter(j => !onScreen(j)).map(j => [j.box, j.load]));
      this.observer = new IntersectionObserver(entries => {
        for (const e of entries) {
          if (!e.isIntersecting || !load.has(e.target)) continue;
          this.observer.unobserve(e.target);
          queue.push(load.get(e.target));
          load.delete(e.target);
        }
        pump();
      }, { rootMargin: `${margin}px 0px` });
      for (const box of load.keys()) this.observer.observe(box);
    }

    async renderPanel(panel, box, body, widthPx, vars) {
      const generation = this.generation;
      if (panel.type === "text" || !Panels.supported(panel.type)) {
        Panels.render(panel, body, [], {});
        box.classList.add("drawn");
        this.rendered++;
        return;
      }
      let result = this.cache.get(String(panel.id));
      if (!result) {
        body.replaceChildren(Dom.notice("Loading…", "notice loading"));
        try {
          result = await this.data.frames(panel, vars || this.vars, this.from, this.to, widthPx);
        } catch (e) {
          result = { frames: [{ refId: "A", error: e.message }], stepS: 60 };
        }
        if (generation !== this.generation) return;
        this.cache.set(String(panel.id), result);
      }
      const errors = result.frames.filter(f => f.error);
      // What the panel asks for that mlobs does not do is said, not silently dropped.
      const notes = [];
      const skipped = (panel.transformations || []).filter(t => !t.disabled && !Transforms.SUPPORTED.includes(t.id)).map(t => t.id);
      if (skipped.length) notes.push("transformations (" + skipped.join(", ") + ")");
      const foreign = (panel.targets || []).filter(t => !t.hide && typeof t.expr !== "string");
      if (foreign.length) notes.push(`${foreign.length} non-PromQL ${foreign.length === 1 ? "query" : "queries"} (${foreign.map(t => t.refId || "?").join(", ")})`);
      const annotations = (await this.annotationsReady).events;
      try {
        Panels.render(panel, body, result.frames.filter(f => !f.error), { annotations, vars: vars || this.vars, from: this.from / 1000, to: this.to / 1000, stepS: result.stepS, timeZone: this.timeZone,
          onZoom: this.snapshot ? undefined : (a, b) => this.zoom(a, b) });
      } catch (e) {
        body.replaceChildren(Dom.notice("unsupported: " + e.message, "notice unsupported"));
      }
      if (errors.length) box.append(Dom.el("div", { className: "panel-error", textContent: errors.map(f => `${f.refId}: ${f.error}`).join("; ") }));
      if (notes.length) box.append(Dom.el("div", { className: "notice unsupported small", textContent: "unsupported: " + notes.join("; ") }));
      box.classList.add("drawn");
      this.rendered++;
    }
  }

  return { View, sections };
})();
