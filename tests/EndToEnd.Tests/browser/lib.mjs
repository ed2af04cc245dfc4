// Shared by the browser checks: Chromium contexts, waiting for a dashboard to settle, what its panels show, and
// whether anything inside a panel scrolls or is cut off.
import { join } from "node:path";

export async function launch(chromium) {
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
}

/** A page in a fresh context, collecting console errors and requests; shot(suffix) saves a full-page screenshot. */
export async function open(browser, artifacts, url, name, opts = {}) {
  const context = await browser.newContext({ viewport: opts.viewport || { width: 1600, height: 1000 }, offline: !!opts.offline, colorScheme: opts.colorScheme || "light", timezoneId: opts.timezoneId });
  const page = await context.newPage();
  const errors = [], requests = [];
  page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", e => errors.push(String(e) + (e.stack ? " at " + e.stack.split("\n").slice(1, 3).join(" | ") : "")));
  page.on("request", r => requests.push(r.url()));
  page.on("requestfailed", r => { if (!opts.offline) errors.push("request failed: " + r.url()); });
  await page.goto(url, { waitUntil: "load" });
  return { page, context, errors, requests, shot: async suffix => page.screenshot({ path: join(artifacts, `${name}${suffix || ""}.png`), fullPage: true }) };
}

/** A request for query data: the Prometheus API's, or Grafana's /api/ds/query the dashboards ask. */
export const isQuery = url => /\/api\/(v1\/query|ds\/query)/.test(url);

// Load states fire once, so after an action the page is watched instead: every panel drawn, nothing loading.
// Panels load as they come into view (as in Grafana), so each one not yet loaded is scrolled to, as a person
// scrolling down the dashboard would, and the page is put back where it was.
export async function settle(page) {
  await page.waitForLoadState("networkidle", { timeout: 45000 }).catch(() => {});
  await page.waitForTimeout(250);
  const scrollY = await page.evaluate(() => window.scrollY).catch(() => 0);
  for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
    const waiting = await page.evaluate(() => {
      const next = [...document.querySelectorAll(".dash-grid .panel")].find(p => !p.classList.contains("drawn") && !p.querySelector(".notice.loading"));
      next?.scrollIntoView({ block: "nearest" });
      return !!next;
    }).catch(() => false);
    if (!waiting) break;
    await page.waitForTimeout(50);
  }
  await page.evaluate(y => window.scrollTo(0, y), scrollY).catch(() => {});
  await page.waitForFunction(() => !document.querySelector(".notice.loading") && [...document.querySelectorAll(".panel")].every(p => p.classList.contains("drawn")),
    null, { timeout: 60000 }).catch(() => {});
  await page.waitForTimeout(100);
}

export async function panelStats(page) {
  return page.evaluate(() => {
    const panels = [...document.querySelectorAll(".panel")];
    return {
      panels: panels.length,
      drawn: panels.filter(p => p.classList.contains("drawn")).length,
      withData: panels.filter(p => p.querySelector(".uplot, .stat, svg, canvas, table, .bar-row, .text-panel, .log-row")).length,
      noData: panels.filter(p => [...p.querySelectorAll(".notice")].some(n => n.textContent === "No data")).length,
      unsupported: panels.filter(p => p.querySelector(".notice.unsupported")).map(p => p.getAttribute("data-type") + ": " + p.querySelector(".notice.unsupported").textContent),
      errors: panels.filter(p => p.querySelector(".panel-error")).map(p => p.querySelector(".panel-title").textContent + ": " + p.querySelector(".panel-error").textContent),
      blank: panels.filter(p => !p.querySelector(".panel-body").children.length).map(p => p.querySelector(".panel-title").textContent),
      rows: document.querySelectorAll(".dash-row").length,
      titles: panels.map(p => p.querySelector(".panel-title").textContent),
      collapsedRows: document.querySelectorAll(".dash-row.collapsed").length,
    };
  });
}

// Panels never scroll and never cut off what they draw: every element inside a panel that could scroll has no
// overflow, and nothing is drawn past the panel's body except inside an element that clips it on purpose (an
// ellipsis). A logs panel too: it shows the newest lines that fit and links to the Logs page for the rest.
export async function layoutProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    for (const panel of document.querySelectorAll(".panel")) {
      const title = panel.querySelector(".panel-title").textContent;
      const body = panel.querySelector(".panel-body");
      const limit = body.getBoundingClientRect();
      for (const e of [panel, ...panel.querySelectorAll("*")]) {
        if (typeof e.className === "string" && /\bu-(cursor|select|over|under)/.test(e.className)) continue;
        const cs = getComputedStyle(e);
        if (cs.display === "none" || cs.visibility === "hidden") continue;
        const tag = e.tagName.toLowerCase() + (typeof e.className === "string" && e.className ? "." + e.className.split(" ").join(".") : "");
        if (/(auto|scroll)/.test(cs.overflowY) && e.scrollHeight > e.clientHeight + 1) problems.push(`${title}: ${tag} scrolls vertically (${e.scrollHeight} > ${e.clientHeight})`);
        if (/(auto|scroll)/.test(cs.overflowX) && e.scrollWidth > e.clientWidth + 1) problems.push(`${title}: ${tag} scrolls horizontally (${e.scrollWidth} > ${e.clientWidth})`);
        if (!body.contains(e) || e === body) continue;
        // What of the element is visible inside its own clipping ancestors (below the body) must lie in the body.
        let r = e.getBoundingClientRect();
        if (!r.width || !r.height) continue;
        let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
        for (let a = e.parentElement; a && a !== body; a = a.parentElement) {
          const ac = getComputedStyle(a);
          if (ac.overflowX !== "visible" || ac.overflowY !== "visible") {
            const q = a.getBoundingClientRect();
            box = { l: Math.max(box.l, q.left), t: Math.max(box.t, q.top), r: Math.min(box.r, q.right), b: Math.min(box.b, q.bottom) };
          }
        }
        if (box.r <= box.l || box.b <= box.t) continue;
        if (box.r > limit.right + 1 || box.b > limit.bottom + 1 || box.l < limit.left - 1 || box.t < limit.top - 1)
          problems.push(`${title}: ${tag} is cut off by the panel (${Math.round(box.l - limit.left)},${Math.round(box.t - limit.top)} to ${Math.round(box.r - limit.left)},${Math.round(box.b - limit.top)} in ${Math.round(limit.width)}x${Math.round(limit.height)})`);
      }
    }
    return problems;
  });
}

// Every collapsed row opened (one click each, until none is left), so every panel is laid out.
export async function expandAll(page) {
  for (let i = 0; i < 50; i++) {
    const row = page.locator(".dash-row.collapsed").first();
    if (!(await row.count())) break;
    await row.click();
    await page.waitForTimeout(50);
  }
}

