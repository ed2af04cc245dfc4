// A template variable's picker as Grafana's: the label, then a button with the current selection ("All",
// "churn + fraud"); it opens a list with a search box, checkboxes for a multi-value variable and "All" where the
// variable includes it. A single-value choice applies at once; a multi-value one when the list closes (click
// outside, Escape, Enter on the search box). Arrow keys move, Space or Enter picks.
"use strict";

const VariablePicker = (() => {
  const el = (...a) => Dom.el(...a);
  const ALL = "$__all";

  function selectionText(options, values, isAll) {
    if (isAll) return "All";
    const texts = values.map(v => (options.find(o => o.value === v) || { text: v }).text);
    return texts.length ? texts.join(" + ") : "None";
  }

  /** v: the variable; options [{text, value}]; value {values, isAll}; onChange(values) with "$__all" for All. */
  function create(v, options, value, onChange) {
    const multi = !!v.multi;
    let chosen = value.isAll ? [ALL] : [...value.values];
    const wrap = el("div", { className: "var-picker", "data-var": v.name, "data-values": JSON.stringify(value.isAll ? [ALL] : value.values),
      "data-options": JSON.stringify([...(v.includeAll ? [ALL] : []), ...options.map(o => o.value)]) });
    const id = "var-" + v.name.replace(/[^A-Za-z0-9_-]/g, "_");
    const label = v.hide === 1 ? null : el("label", { className: "var-label", htmlFor: id, textContent: v.label || v.name });
    const button = el("button", { type: "button", id, className: "var-value", "aria-haspopup": "listbox", "aria-expanded": "false",
      textContent: selectionText(options, value.values, value.isAll) });
    const menu = el("div", { className: "var-menu" });
    menu.hidden = true;
    const search = el("input", { type: "search", className: "var-search", placeholder: "Search", "aria-label": `Search ${v.label || v.name}` });
    const list = el("ul", { className: "var-options", role: "listbox", "aria-multiselectable": String(multi), "aria-label": v.label || v.name });
    menu.append(search, list);
    let active = 0;
    const entries = () => [...(v.includeAll ? [{ text: "All", value: ALL }] : []), ...options].filter(o => o.text.toLowerCase().includes(search.value.toLowerCase()));
    const pick = o => {
      if (!multi) { chosen = [o.value]; close(true); return; }
      if (o.value === ALL) chosen = [ALL];
      else {
        chosen = chosen.filter(x => x !== ALL);
        chosen = chosen.includes(o.value) ? chosen.filter(x => x !== o.value) : [...chosen, o.value];
        if (!chosen.length) chosen = v.includeAll ? [ALL] : [];
      }
      draw();
    };
    const draw = () => {
      const shown = entries();
      active = Math.min(active, Math.max(0, shown.length - 1));
      list.replaceChildren(...shown.map((o, i) => {
        const selected = chosen.includes(o.value);
        const li = el("li", { role: "option", className: "var-option" + (i === active ? " active" : "") + (selected ? " selected" : ""), "aria-selected": String(selected), "data-value": o.value,
          onmousedown: e => e.preventDefault(), onclick: () => { active = i; pick(o); } },
        multi ? el("span", { className: "checkbox" + (selected ? " checked" : ""), "aria-hidden": "true" }) : null, el("span", { textContent: o.text }));
        return li;
      }));
      if (!shown.length) list.append(el("li", { className: "muted", textContent: "No options found" }));
    };
    const open = () => {
      menu.hidden = false; button.setAttribute("aria-expanded", "true");
      search.value = ""; active = 0; draw(); search.focus();
      document.addEventListener("mousedown", outside);
    };
    const close = apply => {
      if (menu.hidden) return;
      menu.hidden = true; button.setAttribute("aria-expanded", "false");
      document.removeEventListener("mousedown", outside);
      const before = JSON.stringify(value.isAll ? [ALL] : value.values);
      if (apply && JSON.stringify(chosen) !== before && chosen.length) onChange(chosen);
      else button.focus();
    };
    const outside = e => { if (!wrap.contains(e.target)) close(true); };
    button.addEventListener("click", () => (menu.hidden ? open() : close(true)));
    search.addEventListener("input", () => { active = 0; draw(); });
    search.addEventListener("keydown", e => {
      const shown = entries();
      if (e.key === "ArrowDown") { e.preventDefault(); active = Math.min(shown.length - 1, active + 1); draw(); }
      else if (e.key === "ArrowUp") { e.preventDefault(); active = Math.max(0, active - 1); draw(); }
      else if (e.key === "Enter") { e.preventDefault(); if (shown[active]) pick(shown[active]); if (multi) close(true); }
      else if (e.key === " " && multi && shown[active] && !search.value) { e.preventDefault(); pick(shown[active]); }
      else if (e.key === "Escape") { e.preventDefault(); close(multi); }
      else if (e.key === "Tab") close(true);
    });
    wrap.append(label || "", el("div", { className: "var-anchor" }, button, menu));
    return wrap;
  }

  return { create, selectionText, ALL };
})();
