// Small DOM helpers shared by every page.
"use strict";

const Dom = {
  el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "style" && typeof v === "object") Object.assign(e.style, v);
      else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role") e.setAttribute(k, v);
      else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
      else e[k] = v;
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  },
  /**
   * Removes nodes from the end of items while overflows() holds, saying how many went in label (inside `more`,
   * which is added to the end of container when anything goes). For panels, which never scroll: what does not fit
   * is counted instead.
   */
  trim(container, items, overflows, more, label = more) {
    if (!overflows()) return 0;
    container.append(more);
    let hidden = 0;
    for (let i = items.length - 1; i >= 0 && overflows(); i--) {
      items[i].remove();
      label.textContent = `+${++hidden} more`;
    }
    return hidden;
  },
  notice(text, cls = "notice") { return Dom.el("div", { className: cls, textContent: text }); },
  labels(metric) {
    return Object.entries(metric).filter(([k]) => k !== "__name__").map(([k, v]) => Dom.el("span", { className: "label", textContent: `${k}="${v}"` }));
  },
};
