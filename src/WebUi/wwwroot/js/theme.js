// Dark (Grafana's default) or light: the browser's prefers-color-scheme until the header's toggle is used, then the
// choice remembered in localStorage. Applied as data-theme on <html> before anything is drawn; charts read the
// theme's colours from CSS custom properties when they draw, so a switch redraws the page.
"use strict";

const Theme = (() => {
  const KEY = "mlobs.theme";
  const media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try { const v = localStorage.getItem(KEY); return v === "dark" || v === "light" ? v : null; } catch { return null; }
  }

  function current() { return stored() || (media && media.matches ? "dark" : "light"); }

  function apply() { document.documentElement.setAttribute("data-theme", current()); }

  /** The header's toggle; onSwitch redraws the page in the new colours. */
  function toggle(onSwitch) {
    const button = Dom.el("button", { type: "button", className: "theme-toggle" });
    const label = () => {
      const next = current() === "dark" ? "light" : "dark";
      button.textContent = current() === "dark" ? "☀ Light" : "☾ Dark";
      button.setAttribute("aria-label", `Switch to the ${next} theme`);
      button.title = `Switch to the ${next} theme (remembered in this browser)`;
    };
    button.addEventListener("click", () => {
      try { localStorage.setItem(KEY, current() === "dark" ? "light" : "dark"); } catch { /* private mode: this page only */ }
      apply();
      label();
      onSwitch();
    });
    if (media) media.addEventListener("change", () => { if (!stored()) { apply(); label(); onSwitch(); } });
    label();
    return button;
  }

  apply();
  return { current, apply, toggle };
})();
