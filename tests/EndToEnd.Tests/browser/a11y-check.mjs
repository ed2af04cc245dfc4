// Accessibility of every page, in Debian's Chromium:
//   node a11y-check.mjs BASE_URL ARTIFACTS_DIR PATH...
// axe-core (pinned in package.json) runs over each page in the light and the dark theme and reports its serious
// and critical violations; then the page is walked with Tab: every visible control (link, button, field, anything
// with tabindex >= 0) must receive focus. Writes ARTIFACTS_DIR/report.json.
import { chromium } from "playwright-core";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, open, settle } from "./lib.mjs";

const [base, artifacts, ...paths] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const axePath = join(dirname(fileURLToPath(import.meta.url)), "node_modules", "axe-core", "axe.min.js");
const browser = await launch(chromium);
const report = {};

async function axe(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
      .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }));
  });
}

// Every visible, enabled control gets focus when tabbing through the page (marked first, then checked off).
async function keyboard(page) {
  const total = await page.evaluate(() => {
    const controls = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
      .filter(e => e.tabIndex >= 0 && !e.disabled && !e.closest("[hidden], [inert]") && e.getClientRects().length && getComputedStyle(e).visibility !== "hidden");
    controls.forEach((e, i) => e.setAttribute("data-kb", String(i)));
    window.__reached = new Set();
    document.addEventListener("focusin", ev => { const k = ev.target.getAttribute && ev.target.getAttribute("data-kb"); if (k !== null) window.__reached.add(k); });
    return controls.length;
  });
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  for (let i = 0; i < total + 10; i++) await page.keyboard.press("Tab");
  return page.evaluate(() => [...document.querySelectorAll("[data-kb]")].filter(e => !window.__reached.has(e.getAttribute("data-kb")))
    .map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : "") + ": " + (e.getAttribute("aria-label") || e.textContent || "").trim().slice(0, 40)))
    .then(unreached => ({ total, unreached }));
}

try {
  for (const path of paths) {
    const entry = {};
    for (const scheme of ["light", "dark"]) {
      const s = await open(browser, artifacts, base + path, `a11y-${path.replace(/[^a-z0-9]+/gi, "_")}-${scheme}`, { viewport: { width: 1280, height: 800 }, colorScheme: scheme });
      await settle(s.page);
      await s.page.waitForTimeout(500);
      entry[scheme] = { violations: await axe(s.page), errors: s.errors };
      await s.shot();
      if (scheme === "light") entry.keyboard = await keyboard(s.page);
      await s.context.close();
    }
    report[path] = entry;
  }
} finally {
  await browser.close();
}
writeFileSync(join(artifacts, "report.json"), JSON.stringify(report, null, 2));
