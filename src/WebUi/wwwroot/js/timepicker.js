// Grafana's time picker and refresh picker. The button shows the range ("Last 6 hours", or the absolute times in
// the dashboard's zone); its menu has absolute From/To fields with a month calendar, the quick ranges (with a
// search), and the time zone. Beside it: zoom out (double the range around its middle) and the refresh picker
// (Off, 5s ... 1d) that starts with the dashboard's `refresh`.
"use strict";

const TimePicker = (() => {
  const el = (...a) => Dom.el(...a);

  const QUICK = [
    ["now-5m", "now", "Last 5 minutes"], ["now-15m", "now", "Last 15 minutes"], ["now-30m", "now", "Last 30 minutes"],
    ["now-1h", "now", "Last 1 hour"], ["now-3h", "now", "Last 3 hours"], ["now-6h", "now", "Last 6 hours"],
    ["now-12h", "now", "Last 12 hours"], ["now-24h", "now", "Last 24 hours"], ["now-2d", "now", "Last 2 days"],
    ["now-7d", "now", "Last 7 days"], ["now-30d", "now", "Last 30 days"], ["now-90d", "now", "Last 90 days"],
    ["now-6M", "now", "Last 6 months"], ["now-1y", "now", "Last 1 year"],
    ["now-1d/d", "now-1d/d", "Yesterday"], ["now/d", "now/d", "Today"], ["now/d", "now", "Today so far"],
    ["now-1w/w", "now-1w/w", "Previous week"], ["now/w", "now/w", "This week"], ["now/w", "now", "This week so far"],
    ["now-1M/M", "now-1M/M", "Previous month"], ["now/M", "now/M", "This month"], ["now/M", "now", "This month so far"],
    ["now-1y/y", "now-1y/y", "Previous year"], ["now/y", "now/y", "This year"], ["now/y", "now", "This year so far"],
  ];
  const REFRESH = ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"];
  const UNITS = { s: "second", m: "minute", h: "hour", d: "day", w: "week", M: "month", y: "year" };

  /** "Last 6 hours" for a quick range or now-N unit … now, else the two ends as the fields show them. */
  function describe(fromText, toText, timeZone) {
    const q = QUICK.find(([f, t]) => f === fromText && t === toText);
    if (q) return q[2];
    const m = /^now-(\d+)([smhdwMy])$/.exec(fromText);
    if (m && toText === "now") return `Last ${m[1]} ${UNITS[m[2]]}${m[1] === "1" ? "" : "s"}`;
    return `${display(fromText, timeZone, false)} to ${display(toText, timeZone, true)}`;
  }

  /** A time as the From/To fields show it: expressions as typed, instants as "YYYY-MM-DD HH:mm:ss" in the zone. */
  function display(text, timeZone, roundUp) {
    if (/^now/.test(text)) return text;
    const ms = Templating.parseTime(text, Date.now(), roundUp);
    return ms === null ? text : format(ms, timeZone);
  }

  // Intl formatters are costly to build: one per zone, reused (a CSV or a table formats thousands of times).
  const formatters = new Map();
  function formatter(timeZone) {
    const key = timeZone || "browser";
    if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat("en-CA", { timeZone: zoneName(timeZone), year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }));
    return formatters.get(key);
  }

  /** "YYYY-MM-DD HH:mm:ss" in the zone; .parts gives {year, month, day, hour, minute, second}. */
  function parts(ms, timeZone) {
    // Every chart of a dashboard labels the same tick times: each is formatted once (Intl is slow to call).
    const key = (timeZone || "") + "|" + ms;
    let p = partsCache.get(key);
    if (p) return p;
    p = {};
    for (const x of formatter(timeZone).formatToParts(new Date(ms))) p[x.type] = x.value;
    if (partsCache.size > 5000) partsCache.clear();
    partsCache.set(key, Object.freeze(p));
    return p;
  }
  const partsCache = new Map();

  function format(ms, timeZone) {
    const p = parts(ms, timeZone);
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  }

  function zoneName(timeZone) { return timeZone === "utc" ? "UTC" : !timeZone || timeZone === "browser" ? undefined : timeZone; }

  /** A month of days; clicking one sets From to its start (first click) and To to its end (second click). */
  function calendar(onPick, timeZone) {
    const box = el("div", { className: "calendar", role: "group", "aria-label": "calendar" });
    let month = new Date();
    month.setDate(1);
    let first = null;
    const draw = () => {
      const head = el("div", { className: "calendar-head" },
        el("button", { type: "button", textContent: "‹", "aria-label": "previous month", onclick: () => { month.setMonth(month.getMonth() - 1); draw(); } }),
        el("span", { textContent: month.toLocaleString("en", { month: "long", year: "numeric" }) }),
        el("button", { type: "button", textContent: "›", "aria-label": "next month", onclick: () => { month.setMonth(month.getMonth() + 1); draw(); } }));
      const grid = el("div", { className: "calendar-grid" }, ...["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"].map(d => el("span", { className: "calendar-dow", textContent: d })));
      const start = new Date(month);
      for (let i = 0; i < start.getDay(); i++) grid.append(el("span"));
      const days = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
      for (let d = 1; d <= days; d++) {
        const date = `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
        grid.append(el("button", { type: "button", className: "calendar-day" + (first === date ? " picked" : ""), textContent: String(d), "data-date": date,
          onclick: () => {
            if (!first) { first = date; onPick(`${date} 00:00:00`, null); draw(); return; }
            const [a, b] = first <= date ? [first, date] : [date, first];
            first = null;
            onPick(`${a} 00:00:00`, `${b} 23:59:59`);
            draw();
          } }));
      }
      box.replaceChildren(head, grid);
    };
    draw();
    return box;
  }

  /**
   * The picker for a range; state {fromText, toText, timeZone, refresh}; onApply({from, to}) sets the range,
   * onZone(zone) and onRefresh(interval or "") the other two.
   */
  function create(state, handlers) {
    const wrap = el("div", { className: "time-picker" });
    const button = el("button", { type: "button", className: "time-button", "aria-haspopup": "dialog", "aria-expanded": "false",
      title: `${display(state.fromText, state.timeZone, false)} to ${display(state.toText, state.timeZone, true)}` });
    const clock = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    clock.setAttribute("viewBox", "0 0 16 16");
    clock.setAttribute("aria-hidden", "true");
    clock.innerHTML = '<circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M8 4v4l2.5 2" fill="none" stroke="currentColor" stroke-width="1.5"/>';
    button.append(clock, describe(state.fromText, state.toText, state.timeZone));
    const menu = el("div", { className: "time-menu", role: "dialog", "aria-label": "time range" });
    menu.hidden = true;
    const from = el("input", { className: "time-from", value: display(state.fromText, state.timeZone, false), "aria-label": "From", spellcheck: false });
    const to = el("input", { className: "time-to", value: display(state.toText, state.timeZone, true), "aria-label": "To", spellcheck: false });
    const error = el("div", { className: "error time-error", role: "alert" });
    const apply = () => {
      const now = Date.now(), a = Templating.parseTime(from.value, now), b = Templating.parseTime(to.value, now, true);
      if (a === null || b === null) { error.textContent = `cannot read ${a === null ? from.value : to.value} as a time`; return; }
      if (b <= a) { error.textContent = '"From" must be before "To"'; return; }
      close();
      // Instants go to the URL as epoch milliseconds (as Grafana writes them), so a zone change keeps the range.
      const keep = (text, ms) => (/^now/.test(text.trim()) ? text.trim() : String(ms / 1000));
      handlers.onApply({ from: keep(from.value, a), to: keep(to.value, b) });
    };
    // The menu's contents (a calendar, the quick ranges, some 400 time zones) are built when it first opens.
    const build = () => {
      if (menu.childElementCount) return;
      const cal = calendar((a, b) => { from.value = a; if (b) to.value = b; }, state.timeZone);
      const search = el("input", { type: "search", className: "quick-search", placeholder: "Search quick ranges", "aria-label": "Search quick ranges" });
      const quick = el("ul", { className: "quick-ranges" });
      const drawQuick = () => quick.replaceChildren(...QUICK.filter(q => q[2].toLowerCase().includes(search.value.toLowerCase())).map(([f, t, label]) =>
        el("li", {}, el("button", { type: "button", className: "quick-range" + (f === state.fromText && t === state.toText ? " active" : ""), textContent: label,
          onclick: () => { close(); handlers.onApply({ from: f, to: t }); } }))));
      search.addEventListener("input", drawQuick);
      drawQuick();
      const zones = ["browser", "utc", ...(Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [])];
      const zone = el("select", { className: "time-zone", "aria-label": "Time zone", onchange: () => { close(); handlers.onZone(zone.value); } },
        ...zones.map(z => el("option", { value: z, textContent: z === "browser" ? `Browser time (${Intl.DateTimeFormat().resolvedOptions().timeZone})` : z === "utc" ? "Coordinated Universal Time (UTC)" : z, selected: z === (state.timeZone || "browser") })));
      menu.append(
        el("div", { className: "time-absolute" },
          el("h4", { textContent: "Absolute time range" }),
          el("label", {}, "From", from), el("label", {}, "To", to), error,
          el("button", { type: "button", className: "primary apply-time", textContent: "Apply time range", onclick: apply }),
          cal),
        el("div", { className: "time-quick" }, search, quick, el("label", { className: "zone-label" }, "Time zone", zone)));
    };
    for (const input of [from, to]) input.addEventListener("keydown", e => { if (e.key === "Enter") { e.preventDefault(); apply(); } });
    const open = () => { build(); menu.hidden = false; button.setAttribute("aria-expanded", "true"); from.focus(); document.addEventListener("mousedown", outside); };
    const close = () => { menu.hidden = true; button.setAttribute("aria-expanded", "false"); document.removeEventListener("mousedown", outside); };
    const outside = e => { if (!wrap.contains(e.target)) close(); };
    menu.addEventListener("keydown", e => { if (e.key === "Escape") { close(); button.focus(); } });
    button.addEventListener("click", () => (menu.hidden ? open() : close()));
    const zoomOut = el("button", { type: "button", className: "zoom-out", textContent: "⊖", title: "Zoom out (double the range)", "aria-label": "Zoom out time range",
      onclick: () => {
        const now = Date.now(), a = Templating.parseTime(state.fromText, now), b = Templating.parseTime(state.toText, now, true);
        const span = b - a, mid = a + span / 2, end = Math.min(now, mid + span);
        handlers.onApply({ from: String((end - 2 * span) / 1000), to: String(end / 1000), push: true });
      } });
    wrap.append(zoomOut, el("div", { className: "time-anchor" }, button, menu), refreshPicker(state.refresh, handlers.onRefresh, handlers.onRefreshNow));
    return wrap;
  }

  function refreshPicker(current, onRefresh, onRefreshNow) {
    const now = el("button", { type: "button", className: "refresh-now", textContent: "⟳", title: "Refresh the dashboard", "aria-label": "Refresh the dashboard", onclick: () => onRefreshNow() });
    const every = el("select", { className: "refresh-interval", "aria-label": "Auto refresh", title: "Auto refresh", onchange: () => onRefresh(every.value) },
      el("option", { value: "", textContent: "Off" }),
      ...[...new Set([...REFRESH, ...(current ? [current] : [])])].map(r => el("option", { value: r, textContent: r, selected: r === current })));
    return el("div", { className: "refresh-picker" }, now, every);
  }

  return { create, describe, format, parts, zoneName, QUICK };
})();
