// Panel links (in the title bar) and data links (fieldConfig.defaults.links: a click on a point of a time series,
// or on a stat's value), with Grafana's interpolation: ${__field.labels.x}, ${__field.name}, ${__series.name},
// ${__value.raw|numeric|text|time}, ${__from}, ${__to}, ${__url_time_range}, ${__all_variables}, then the
// dashboard's variables. keepTime and includeVars on panel links append the range and the variables.
"use strict";

const DataLinks = (() => {
  const el = (...a) => Dom.el(...a);

  function urlVars(vars) {
    const p = [];
    for (const [name, v] of Object.entries(vars || {})) {
      if (name.startsWith("__") || !v || !Array.isArray(v.values)) continue;
      for (const x of v.isAll ? ["$__all"] : v.values) p.push(`var-${encodeURIComponent(name)}=${encodeURIComponent(x)}`);
    }
    return p.join("&");
  }

  /** ctx: {vars, from, to (ms), series: {name, labels}, value: {raw, time (ms), text}, field: {name}}. */
  function interpolate(url, ctx) {
    const enc = (v, raw) => (raw ? String(v ?? "") : encodeURIComponent(String(v ?? "")));
    const text = String(url || "").replace(/\$\{(__[a-zA-Z_.]+?)(?::([a-z]+))?\}/g, (whole, name, format) => {
      const raw = format === "raw";
      if (name === "__from") return String(ctx.from);
      if (name === "__to") return String(ctx.to);
      if (name === "__url_time_range") return `from=${ctx.from}&to=${ctx.to}`;
      if (name === "__all_variables") return urlVars(ctx.vars);
      if (name.startsWith("__field.labels.")) return enc(ctx.series && ctx.series.labels ? ctx.series.labels[name.slice(15)] : "", raw);
      if (name === "__field.labels") return enc(Object.entries((ctx.series && ctx.series.labels) || {}).map(([k, v]) => `${k}="${v}"`).join(", "), raw);
      if (name === "__field.name" || name === "__field.displayName") return enc(ctx.field ? ctx.field.name : ctx.series && ctx.series.name, raw);
      if (name === "__series.name") return enc(ctx.series && ctx.series.name, raw);
      if (name === "__value.raw" || name === "__value.numeric") return enc(ctx.value && ctx.value.raw, raw);
      if (name === "__value.text") return enc(ctx.value && (ctx.value.text ?? ctx.value.raw), raw);
      if (name === "__value.time") return String(ctx.value ? Math.round(ctx.value.time) : "");
      return whole;
    });
    return Templating.interpolate(text, Object.assign({}, ctx.vars, Templating.builtIns(ctx.from, ctx.to, Templating.settings.scrapeMs)));
  }

  function href(link, ctx) {
    let url = interpolate(link.url, ctx);
    const extra = [];
    if (link.keepTime) extra.push(`from=${ctx.from}&to=${ctx.to}`);
    if (link.includeVars) { const v = urlVars(ctx.vars); if (v) extra.push(v); }
    if (extra.length) url += (url.includes("?") ? "&" : "?") + extra.join("&");
    return url;
  }

  function anchor(link, ctx, className) {
    return el("a", { className, href: href(link, ctx), textContent: link.title || link.url, target: link.targetBlank ? "_blank" : "", rel: link.targetBlank ? "noopener noreferrer" : "" });
  }

  /** The title bar's links: one link as an icon anchor, several as a small menu. */
  function panelLinks(panel, ctx) {
    const links = (panel.links || []).filter(l => l && l.url);
    if (!links.length) return null;
    if (links.length === 1) {
      const a = anchor(links[0], ctx, "panel-link");
      a.setAttribute("aria-label", links[0].title || "panel link");
      a.title = links[0].title || links[0].url;
      a.textContent = "↗";
      return a;
    }
    const button = el("button", { type: "button", className: "panel-link", textContent: "↗", "aria-label": `${links.length} panel links`, "aria-haspopup": "menu",
      onclick: e => { e.stopPropagation(); const r = button.getBoundingClientRect(); menu(links.map(l => anchor(l, ctx, "data-link")), r.left, r.bottom + 2); } });
    return button;
  }

  /** A small menu of links at a point of the page (closed by a click elsewhere or Escape). */
  function menu(anchors, x, y) {
    document.querySelector(".link-menu")?.remove();
    const box = el("div", { className: "link-menu", role: "menu" }, ...anchors.map(a => { a.setAttribute("role", "menuitem"); return a; }));
    document.body.append(box);
    box.style.left = Math.max(4, Math.min(window.innerWidth - box.offsetWidth - 4, x)) + "px";
    box.style.top = Math.max(4, Math.min(window.innerHeight - box.offsetHeight - 4, y)) + "px";
    const close = e => { if (e.type === "keydown" ? e.key === "Escape" : !box.contains(e.target)) { box.remove(); document.removeEventListener("mousedown", close); document.removeEventListener("keydown", close); } };
    setTimeout(() => { document.addEventListener("mousedown", close); document.addEventListener("keydown", close); }, 0);
    box.querySelector("a")?.focus();
    return box;
  }

  return { interpolate, href, anchor, panelLinks, menu };
})();
