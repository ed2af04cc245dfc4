// A panel's menu, as Grafana's: View (the panel alone, full screen; Escape or Back returns), Inspect (a drawer with
// the data as a table, the interpolated queries, the panel JSON) and Download CSV (the data the panel drew, after
// its transformations, one column per series on a shared Time column).
"use strict";

const PanelMenu = (() => {
  const el = (...a) => Dom.el(...a);

  /** Series [{name, values: [[t, v]...]}] joined on time: [["Time", names...], [time, values...]...]. */
  function rows(series, timeZone) {
    const times = [...new Set(series.flatMap(s => s.values.map(p => Number(p[0]))))].sort((a, b) => a - b);
    const index = series.map(s => new Map(s.values.map(p => [Number(p[0]), p[1]])));
    return [["Time", ...series.map(s => s.name)], ...times.map(t => [TimePicker.format(t * 1000, timeZone), ...index.map(m => (m.has(t) ? String(m.get(t)) : ""))])];
  }

  /** RFC 4180 CSV: every field quoted when it holds a quote, comma or line break. */
  function csv(table) {
    const field = v => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    return table.map(r => r.map(field).join(",")).join("\r\n") + "\r\n";
  }

  function download(title, text) {
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" })),
      download: `${(title || "panel").replace(/[^A-Za-z0-9 _-]+/g, "").trim() || "panel"}-data-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.csv` });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  /**
   * The menu button for a panel's title bar. ctx: {title, panel, data() → {series, frames} or null, onView,
   * timeZone}. The menu opens below the button; arrow keys move, Escape closes.
   */
  function button(ctx) {
    const wrap = el("div", { className: "panel-menu" });
    const toggle = el("button", { type: "button", className: "panel-menu-button", textContent: "⋮", "aria-haspopup": "menu", "aria-expanded": "false", "aria-label": `Menu for panel ${ctx.title}` });
    const menu = el("div", { className: "panel-menu-list", role: "menu" });
    menu.hidden = true;
    const item = (label, key, action) => el("button", { type: "button", role: "menuitem", className: "panel-menu-item", "data-action": label.toLowerCase().replace(/\s+/g, "-"),
      onclick: () => { close(); action(); } }, el("span", { textContent: label }), el("kbd", { textContent: key }));
    menu.append(
      item("View", "v", () => ctx.onView()),
      item("Inspect", "i", () => inspect(ctx)),
      item("Download CSV", "", () => { const d = ctx.data(); if (d) download(ctx.title, csv(rows(d.series, ctx.timeZone))); }));
    // The open menu lives in the page's body (fixed under the button): a panel clips what overflows it.
    const close = () => { menu.hidden = true; menu.remove(); toggle.setAttribute("aria-expanded", "false"); document.removeEventListener("mousedown", outside); };
    const outside = e => { if (!wrap.contains(e.target) && !menu.contains(e.target)) close(); };
    toggle.addEventListener("click", e => {
      e.stopPropagation();
      if (!menu.hidden) { close(); toggle.focus(); return; }
      document.querySelectorAll(".panel-menu-list").forEach(m => m.remove());
      const r = toggle.getBoundingClientRect();
      menu.style.top = r.bottom + 2 + "px";
      menu.style.right = Math.max(4, window.innerWidth - r.right) + "px";
      document.body.append(menu);
      menu.hidden = false; toggle.setAttribute("aria-expanded", "true");
      menu.querySelector("button").focus();
      document.addEventListener("mousedown", outside);
    });
    menu.addEventListener("keydown", e => {
      const items = [...menu.querySelectorAll("button")], i = items.indexOf(document.activeElement);
      if (e.key === "ArrowDown") { e.preventDefault(); items[(i + 1) % items.length].focus(); }
      else if (e.key === "ArrowUp") { e.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
      else if (e.key === "Escape") { close(); toggle.focus(); }
      else if (e.key === "Tab") close();
    });
    wrap.append(toggle);
    return wrap;
  }

  /** Grafana's inspect drawer: Data (table and Download CSV), Query (what ran), JSON (the panel model). */
  function inspect(ctx) {
    document.querySelector(".inspect-drawer")?.remove();
    const d = ctx.data() || { series: [], frames: [] };
    const drawer = el("aside", { className: "inspect-drawer", role: "dialog", "aria-label": `Inspect: ${ctx.title}` });
    const body = el("div", { className: "inspect-body" });
    const tabs = el("div", { className: "inspect-tabs", role: "tablist" });
    const close = () => { drawer.remove(); document.removeEventListener("keydown", onKey); };
    const onKey = e => { if (e.key === "Escape") close(); };
    const show = name => {
      for (const t of tabs.children) t.setAttribute("aria-selected", String(t.dataset.tab === name));
      if (name === "data") {
        const table = rows(d.series, ctx.timeZone);
        const t = el("table", { className: "data inspect-table" },
          el("thead", {}, el("tr", {}, ...table[0].map(h => el("th", { textContent: h })))),
          el("tbody", {}, ...table.slice(1, 1001).map(r => el("tr", {}, ...r.map(v => el("td", { textContent: v }))))));
        body.replaceChildren(
          el("div", { className: "inspect-actions" }, el("span", { className: "muted", textContent: `${d.series.length} series, ${table.length - 1} rows${table.length > 1001 ? " (first 1000 shown)" : ""}` }),
            el("button", { type: "button", className: "primary download-csv", textContent: "Download CSV", onclick: () => download(ctx.title, csv(table)) })),
          d.series.length ? t : Dom.notice("No data"));
      } else if (name === "query") {
        body.replaceChildren(...(d.frames.length ? d.frames.map(f => el("div", { className: "inspect-query" },
          el("h4", { textContent: f.refId || "A" }),
          el("pre", { className: "expr", textContent: f.expr || "" }),
          el("div", { className: "muted", textContent: f.error ? "error: " + f.error : f.logs ? `${f.logs.length} log lines` : f.data ? `${f.data.resultType}, ${f.data.result.length} series` : "" }))) : [Dom.notice("This panel runs no queries.")]));
      } else {
        const { __vars, ...model } = ctx.panel;
        body.replaceChildren(el("pre", { className: "inspect-json", textContent: JSON.stringify(model, null, 2) }));
      }
    };
    for (const [name, label] of [["data", "Data"], ["query", "Query"], ["json", "Panel JSON"]])
      tabs.append(el("button", { type: "button", role: "tab", className: "inspect-tab", "data-tab": name, textContent: label, onclick: () => show(name) }));
    drawer.append(el("div", { className: "inspect-head" }, el("h3", { textContent: `Inspect: ${ctx.title}` }),
      el("button", { type: "button", className: "inspect-close", textContent: "×", "aria-label": "Close inspect", onclick: close })), tabs, body);
    document.body.append(drawer);
    document.addEventListener("keydown", onKey);
    show("data");
    tabs.firstChild.focus();
  }

  return { button, inspect, rows, csv };
})();
