// Times each dashboard URL in Debian's Chromium: from the navigation's start to its panels drawn with nothing
// loading (performance.now() in the page, noted by the page as it happens), RUNS times each in a fresh context (after
// one untimed run); prints the median, min and max, and the panel counts. A dashboard is timed as it opens:
// collapsed rows stay collapsed, as in Grafana.
//   node bench/ui/ui-speed.mjs BASE RUNS PATH...
import { createRequire } from "node:module";
const require = createRequire(new URL("../../tests/EndToEnd.Tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [base, runsText, ...paths] = process.argv.slice(2);
const runs = Number(runsText);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
// The moments the page reaches, noted by the page itself (a MutationObserver on the panels' classes), so the
// measurement does not poll the page while it works: __viewAt when every panel on screen is drawn (panels load as
// they come into view, as in Grafana), __drawnAt when every panel of the dashboard is. Where a panel sits is read
// from its inline position (no layout forced); the grid's own top once.
const note = () => {
  let gridTop = null;
  const check = () => {
    const panels = [...document.querySelectorAll(".dash-grid .panel")];
    if (!panels.length) return;
    gridTop ??= document.querySelector(".dash-grid").getBoundingClientRect().top + window.scrollY;
    const inView = panels.filter(p => gridTop + parseFloat(p.style.top) < window.innerHeight);
    if (!window.__viewAt && inView.every(p => p.classList.contains("drawn"))) window.__viewAt = performance.now();
    if (!window.__drawnAt && panels.every(p => p.classList.contains("drawn"))) window.__drawnAt = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
};
const median = list => { const sorted = [...list].sort((a, b) => a - b); return sorted[Math.floor(sorted.length / 2)]; };
const summary = list => `${median(list).toFixed(0)} ms median (min ${Math.min(...list).toFixed(0)}, max ${Math.max(...list).toFixed(0)}, ${list.length} runs)`;
// Each dashboard twice: as it opens on a 1920x1080 screen (timed to every panel on screen drawn), and on a screen
// exactly as tall as the dashboard, so every panel is in view at once (timed to the whole dashboard drawn: every
// query, every chart); that height is read from the page in the untimed first run.
try {
  for (const path of paths) {
    let tall = 1080;
    for (const [mode, moment] of [["on screen", "__viewAt"], ["whole dashboard", "__drawnAt"]]) {
      const times = [];
      let panels = 0, shown = 0;
      const height = mode === "on screen" ? 1080 : tall;
      for (let i = 0; i <= runs; i++) {
        const context = await browser.newContext({ viewport: { width: 1920, height } });
        const page = await context.newPage();
        await page.addInitScript(note);
        await page.goto(base + path, { waitUntil: "commit" });
        const handle = await page.waitForFunction(m => window[m] || false, moment, { polling: 200, timeout: 120000 });
        const ms = await handle.jsonValue();
        [panels, shown] = await page.evaluate(() => { const all = [...document.querySelectorAll(".dash-grid .panel")]; return [all.length, all.filter(p => p.classList.contains("drawn")).length]; });
        if (i > 0) times.push(ms); // the first run warms the server's caches and is not counted
        if (i === 0 && mode === "on screen") tall = Math.max(1080, await page.evaluate(() => document.documentElement.scrollHeight));
        await context.close();
      }
      console.log(`${path.split("?")[0]} ${mode}, 1920x${height}: ${shown} of ${panels} panels drawn in ${summary(times)}`);
    }
  }
} finally {
  await browser.close();
}
