// Times each dashboard URL in Debian's Chromium: from the navigation's start to every panel drawn with nothing
// loading (performance.now() in the page, noted by the page as it happens), RUNS times each in a fresh context (after
// one untimed run); prints the median, min and max, and the panel count. A dashboard is timed as it opens:
// collapsed rows stay collapsed, as in Grafana.
//   node bench/ui/ui-speed.mjs BASE RUNS PATH...
import { createRequire } from "node:module";
const require = createRequire(new URL("../../tests/EndToEnd.Tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [base, runsText, ...paths] = process.argv.slice(2);
const runs = Number(runsText);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
// The moment every panel is drawn, noted by the page itself (a MutationObserver on the panels' classes), so the
// measurement does not poll the page while it works.
const note = () => {
  const check = () => {
    const panels = [...document.querySelectorAll(".panel")];
    if (!window.__drawnAt && panels.length && !document.querySelector(".notice.loading") && panels.every(p => p.classList.contains("drawn"))) window.__drawnAt = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
};
try {
  for (const path of paths) {
    const times = [];
    let panels = 0;
    for (let i = 0; i <= runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      const page = await context.newPage();
      await page.addInitScript(note);
      await page.goto(base + path, { waitUntil: "commit" });
      const handle = await page.waitForFunction(() => window.__drawnAt || false, null, { polling: 200, timeout: 120000 });
      const ms = await handle.jsonValue();
      panels = await page.locator(".panel").count();
      if (i > 0) times.push(ms); // the first run warms the server's caches and is not counted
      await context.close();
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`${path.split("?")[0]}: ${panels} panels, complete in ${median.toFixed(0)} ms median (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}, ${runs} runs)`);
  }
} finally {
  await browser.close();
}
