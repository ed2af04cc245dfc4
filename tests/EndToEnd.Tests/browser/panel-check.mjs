// A dashboard's panels as a person uses them, in Debian's Chromium:
//   node panel-check.mjs BASE_URL ARTIFACTS_DIR UID
// Legends (mode, headers, rows, "+N more"), click to isolate and shift-click to add a series (read back from the
// chart), the tooltip of each time series at its middle, stat sparklines, a drag across a chart that zooms the
// dashboard (and Back), and the layout at 1280x800 and 1920x1080 (nothing in a panel scrolls or is cut off).
// Prints nothing; writes ARTIFACTS_DIR/report.json for the .NET test to assert on.
import { chromium } from "playwright-core";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, open, settle, panelStats, layoutProblems, isQuery } from "./lib.mjs";

const [base, artifacts, uid] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const browser = await launch(chromium);
const report = { layout: {} };
const panel = title => `.panel:has(.panel-title:text-is("${title}"))`;

try {
  const s = await open(browser, artifacts, `${base}/d/${uid}`, "panels", { viewport: { width: 1280, height: 800 } });
  await s.page.waitForSelector(".dash-grid", { timeout: 45000 });
  await settle(s.page);
  report.stats = await panelStats(s.page);
  report.legends = await s.page.evaluate(() => Object.fromEntries([...document.querySelectorAll(".panel")].map(p => {
    const legend = p.querySelector(".viz-legend");
    return [p.querySelector(".panel-title").textContent, legend ? {
      className: legend.className,
      headers: [...legend.querySelectorAll("th")].map(th => th.textContent),
      rows: [...legend.querySelectorAll(".legend-item")].map(r => r.innerText.replace(/\s+/g, " ").trim()),
      more: legend.querySelector(".legend-more")?.textContent ?? null,
    } : null];
  })));
  // Tables drawn from transformed frames: their headers and rows as shown.
  report.tables = await s.page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.panel[data-type="table"]')].map(p => [
    p.querySelector(".panel-title").textContent, {
      headers: [...p.querySelectorAll("thead th")].map(th => th.textContent),
      rows: [...p.querySelectorAll("tbody tr")].map(tr => [...tr.children].map(td => td.textContent)),
      unsupported: p.querySelector(".notice.unsupported")?.textContent ?? null,
    }])));
  report.sparklines = await s.page.$$eval(".stat svg.sparkline polyline", l => l.length);
  const shown = title => s.page.$eval(`${panel(title)} .viz`, v => v.chart.series.slice(1).map(x => x.show));
  const item = (title, name) => s.page.locator(`${panel(title)} .legend-item`, { hasText: name }).first();
  const clicks = [];
  await item("Legend table", "a").click();
  clicks.push({ action: "click a", shown: await shown("Legend table") });
  await item("Legend table", "b").click({ modifiers: ["Shift"] });
  clicks.push({ action: "shift-click b", shown: await shown("Legend table") });
  await item("Legend table", "a").click({ modifiers: ["Shift"] });
  clicks.push({ action: "shift-click a", shown: await shown("Legend table") });
  await item("Legend table", "b").click();
  clicks.push({ action: "click b (the only one shown)", shown: await shown("Legend table") });
  report.clicks = clicks;
  report.hiddenRows = await s.page.$$eval(`${panel("Legend table")} .legend-item.series-hidden`, l => l.length);

  // The tooltip at the middle of each chart.
  report.tooltips = {};
  for (const title of ["Legend table", "Legend right", "Legend hidden"]) {
    const over = await s.page.locator(`${panel(title)} .u-over`).boundingBox();
    await s.page.mouse.move(over.x + over.width * 0.9, over.y + over.height / 2);
    await s.page.waitForTimeout(150);
    report.tooltips[title] = await s.page.evaluate(() => {
      const t = document.querySelector(".chart-tooltip");
      return !t || t.hidden ? null : [...t.querySelectorAll(".tooltip-row")].map(r => r.innerText.replace(/\s+/g, " ").trim());
    });
  }
  await s.page.mouse.move(2, 2);
  await s.shot();

  // The panel menu: View (full screen, Escape returns), Inspect (data, query, JSON), Download CSV.
  const menu = {};
  const openMenu = async title => { await s.page.locator(`${panel(title)} .panel-menu-button`).click(); return s.page.locator(".panel-menu-list:not([hidden])"); };
  menu.items = await (await openMenu("Legend table")).locator(".panel-menu-item span").allTextContents();
  const [download] = await Promise.all([s.page.waitForEvent("download"), s.page.locator('.panel-menu-list .panel-menu-item[data-action="download-csv"]').click()]);
  const { readFile } = await import("node:fs/promises");
  const csvText = await readFile(await download.path(), "utf8");
  menu.csv = { file: download.suggestedFilename(), lines: csvText.split("\r\n").slice(0, 2), rows: csvText.split("\r\n").filter(Boolean).length - 1 };
  await (await openMenu("Legend table")).locator('.panel-menu-item[data-action="inspect"]').click();
  const drawer = s.page.locator(".inspect-drawer");
  menu.inspect = { tabs: await drawer.locator(".inspect-tab").allTextContents(), dataHeaders: await drawer.locator(".inspect-table th").allTextContents(),
    dataRows: await drawer.locator(".inspect-table tbody tr").count() };
  await drawer.locator('.inspect-tab[data-tab="query"]').click();
  menu.inspect.query = await drawer.locator(".inspect-query pre").allTextContents();
  await drawer.locator('.inspect-tab[data-tab="json"]').click();
  menu.inspect.json = JSON.parse(await drawer.locator("pre.inspect-json").textContent()).title;
  await s.page.keyboard.press("Escape");
  menu.inspect.closed = (await s.page.locator(".inspect-drawer").count()) === 0;
  await (await openMenu("Legend table")).locator('.panel-menu-item[data-action="view"]').click();
  await s.page.waitForSelector(".panel-view .panel-viewed .uplot", { timeout: 10000 }).catch(() => {});
  const viewBox = await s.page.locator(".panel-view .panel-viewed").boundingBox();
  menu.view = { url: (await s.page.evaluate(() => location.href)), drawn: await s.page.locator(".panel-view .panel-viewed .uplot").count(), width: viewBox && viewBox.width, height: viewBox && viewBox.height };
  await s.page.keyboard.press("Escape");
  // The page's own URL (Playwright learns of history.replaceState a moment later).
  await s.page.waitForFunction(() => !location.search.includes("viewPanel"), null, { timeout: 5000 }).catch(() => {});
  menu.view.after = { url: await s.page.evaluate(() => location.href), open: await s.page.locator(".panel-view").count() };
  report.menu = menu;

  // Annotations (a Prometheus annotation query, and the built-in alert states) on the time series; panel links;
  // data links from a click on a point and on a stat.
  const links = {};
  links.markers = await s.page.$$eval(`${panel("Legend table")} .annotation-marker`, l => l.map(m => m.getAttribute("title")));
  await s.page.locator(`${panel("Legend right")} .panel-link`).click();
  links.panel = await s.page.$$eval(".link-menu a", l => l.map(a => ({ text: a.textContent, href: a.getAttribute("href"), target: a.target })));
  await s.page.keyboard.press("Escape");
  const plot = await s.page.locator(`${panel("Legend table")} .u-over`).boundingBox();
  await s.page.mouse.click(plot.x + plot.width * 0.9, plot.y + plot.height / 2);
  await s.page.waitForSelector(".link-menu a", { timeout: 5000 }).catch(() => {});
  links.point = await s.page.$$eval(".link-menu a", l => l.map(a => ({ text: a.textContent, href: a.getAttribute("href") })));
  await s.page.keyboard.press("Escape");
  await s.page.locator(`${panel("Stat sparkline")} .stat.has-links`).click();
  await s.page.waitForSelector(".link-menu a", { timeout: 5000 }).catch(() => {});
  links.stat = await s.page.$$eval(".link-menu a", l => l.map(a => ({ text: a.textContent, href: a.getAttribute("href") })));
  await s.page.keyboard.press("Escape");
  report.links = links;

  // The collapsed "Empty results" row: a panel of every type over a query that returns nothing says "No data".
  await s.page.locator(".dash-row.collapsed", { hasText: "Empty results" }).click();
  await settle(s.page);
  report.empty = await s.page.evaluate(() => Object.fromEntries([...document.querySelectorAll(".panel")].filter(p => p.querySelector(".panel-title").textContent.startsWith("Empty "))
    .map(p => [p.getAttribute("data-type"), [...p.querySelectorAll(".panel-body .notice")].map(n => n.textContent).join(" | ")])));
  await s.page.locator(".dash-row", { hasText: "Empty results" }).click();
  await settle(s.page);

  // Drag across "Legend table" from 50% to 80% of its width: the dashboard's range becomes that stretch.
  const before = (await s.page.evaluate(() => location.href));
  const over = await s.page.locator(`${panel("Legend table")} .u-over`).boundingBox();
  await s.page.mouse.move(over.x + over.width * 0.5, over.y + over.height / 2);
  await s.page.mouse.down();
  await s.page.mouse.move(over.x + over.width * 0.65, over.y + over.height / 2, { steps: 5 });
  await s.page.mouse.move(over.x + over.width * 0.8, over.y + over.height / 2, { steps: 5 });
  await s.page.mouse.up();
  await s.page.waitForFunction(u => location.href !== u, before, { timeout: 10000 }).catch(() => {});
  await settle(s.page);
  const zoomed = (await s.page.evaluate(() => location.href));
  const timeBox = await s.page.$eval(".time-from", i => i.value).catch(() => null);
  await s.page.goBack();
  await settle(s.page);
  report.zoom = { before, zoomed, timeBox, back: (await s.page.evaluate(() => location.href)), errors: s.errors };
  // A window resize lays the panels out again from the data they have: wider charts, no new queries, nothing cut.
  const widthBefore = (await s.page.locator(`${panel("Legend table")} .uplot`).boundingBox()).width;
  const queriesBefore = s.requests.filter(isQuery).length;
  await s.page.setViewportSize({ width: 1920, height: 1080 });
  await s.page.waitForTimeout(600);
  await settle(s.page);
  report.resize = { widthBefore, widthAfter: (await s.page.locator(`${panel("Legend table")} .uplot`).boundingBox()).width,
    newQueries: s.requests.filter(isQuery).length - queriesBefore, problems: await layoutProblems(s.page) };
  await s.context.close();

  // The dashboard's chrome: variable picker (search, checkboxes, applied on Escape), time picker (quick range,
  // absolute fields, calendar, time zone), refresh picker, theme.
  const c = await open(browser, artifacts, `${base}/d/${uid}`, "chrome", { viewport: { width: 1280, height: 800 }, timezoneId: "UTC" });
  await c.page.waitForSelector(".dash-grid", { timeout: 45000 });
  await settle(c.page);
  const chrome = {};
  const picker = c.page.locator('.var-picker[data-var="series"]');
  chrome.variableButton = await picker.locator(".var-value").textContent();
  await picker.locator(".var-value").click();
  chrome.variableOptions = await picker.locator(".var-option").allTextContents();
  await c.page.keyboard.type("b");
  chrome.variableSearch = await picker.locator(".var-option").allTextContents();
  await c.page.keyboard.press("Enter"); // picks b (the only match) and applies
  await settle(c.page);
  chrome.afterEnter = { url: (await c.page.evaluate(() => location.href)), button: await c.page.locator('.var-picker[data-var="series"] .var-value').textContent() };
  await c.page.locator('.var-picker[data-var="series"] .var-value').click();
  await c.page.locator('.var-picker[data-var="series"] .var-option[data-value="c"]').click();
  chrome.checked = await c.page.locator('.var-picker[data-var="series"] .var-option[aria-selected="true"]').allTextContents();
  await c.page.keyboard.press("Escape");
  await settle(c.page);
  chrome.afterEscape = { url: (await c.page.evaluate(() => location.href)), button: await c.page.locator('.var-picker[data-var="series"] .var-value').textContent(),
    legend: await c.page.locator(`${panel("Legend table")} .legend-item .legend-name`).allTextContents() };

  await c.page.locator(".time-button").click();
  chrome.quickRanges = await c.page.locator(".quick-range").count();
  await c.page.locator(".quick-search").fill("15 min");
  chrome.quickSearch = await c.page.locator(".quick-range").allTextContents();
  await c.page.locator(".quick-range", { hasText: "Last 15 minutes" }).click();
  await settle(c.page);
  chrome.quick = { url: (await c.page.evaluate(() => location.href)), button: await c.page.locator(".time-button").textContent() };
  // Two days on the calendar fill From (start of the first) and To (end of the second).
  await c.page.locator(".time-button").click();
  const days = c.page.locator(".calendar-day");
  await days.nth(2).click();
  await days.nth(4).click();
  chrome.calendar = { from: await c.page.locator(".time-from").inputValue(), to: await c.page.locator(".time-to").inputValue() };
  // Absolute times typed in: the range of the last ten minutes written out.
  const fmt = d => d.toISOString().slice(0, 19).replace("T", " ");
  const now = new Date(), start = new Date(now.getTime() - 10 * 60000);
  await c.page.locator(".time-from").fill(fmt(start));
  await c.page.locator(".time-to").fill(fmt(now));
  await c.page.locator(".apply-time").click();
  await settle(c.page);
  chrome.absolute = { typed: [fmt(start), fmt(now)], url: (await c.page.evaluate(() => location.href)), button: await c.page.locator(".time-button").textContent(), stats: await panelStats(c.page) };
  // Time zone: Asia/Tokyo (UTC+9, no summer time): the tooltip's time is nine hours ahead of UTC's.
  await c.page.locator(".time-button").click();
  await c.page.locator(".time-zone").selectOption("Asia/Tokyo");
  await settle(c.page);
  const box = await c.page.locator(`${panel("Legend table")} .u-over`).boundingBox();
  await c.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await c.page.waitForTimeout(150);
  chrome.timeZone = { url: (await c.page.evaluate(() => location.href)), tooltipTime: await c.page.locator(".chart-tooltip .tooltip-time").textContent().catch(() => null) };
  // Refresh picker: every 5 s re-queries the panels.
  await c.page.locator(".refresh-interval").selectOption("5s");
  const requestsBefore = c.requests.length;
  await c.page.waitForTimeout(6500);
  chrome.refresh = { url: (await c.page.evaluate(() => location.href)), queries: c.requests.slice(requestsBefore).filter(isQuery).length };
  await c.page.locator(".refresh-interval").selectOption("");
  chrome.errors = c.errors;
  await c.shot();
  await c.context.close();
  report.chrome = chrome;

  // Theme: the browser's preference first, then the toggle's choice, remembered across a reload.
  const t = await open(browser, artifacts, `${base}/d/${uid}`, "theme-dark", { viewport: { width: 1280, height: 800 }, colorScheme: "dark" });
  await settle(t.page);
  const theme = { preferredDark: await t.page.evaluate(() => document.documentElement.getAttribute("data-theme")),
    background: await t.page.evaluate(() => getComputedStyle(document.body).backgroundColor) };
  await t.shot();
  await t.page.locator(".theme-toggle").click();
  await settle(t.page);
  theme.afterToggle = await t.page.evaluate(() => document.documentElement.getAttribute("data-theme"));
  await t.page.reload();
  await settle(t.page);
  theme.afterReload = await t.page.evaluate(() => document.documentElement.getAttribute("data-theme"));
  theme.toggleLabel = await t.page.locator(".theme-toggle").getAttribute("aria-label");
  theme.errors = t.errors;
  await t.context.close();
  report.theme = theme;

  // The dashboard list: folders from the dashboards dir's sub-folders, a search, tag filters.
  const b = await open(browser, artifacts, `${base}/dashboards`, "dashboards", { viewport: { width: 1280, height: 800 } });
  await b.page.waitForSelector(".dash-folder", { timeout: 20000 }).catch(() => {});
  const listed = () => b.page.$$eval(".dash-folder", l => l.map(f => ({ folder: f.getAttribute("data-folder"), titles: [...f.querySelectorAll(".dash-list li > a")].map(a => a.textContent) })));
  const browse = { all: await listed() };
  await b.page.fill(".dash-search", "panel feat");
  browse.search = await listed();
  await b.page.fill(".dash-search", "");
  await b.page.locator(".tag-filter button.tag", { hasText: "fixture" }).click();
  browse.tag = { folders: await listed(), url: (await b.page.evaluate(() => location.href)) };
  await b.page.locator(".tag-filter button.tag", { hasText: "fixture" }).click();
  await b.page.locator('.dash-folder[data-folder="General"] .folder-head').click();
  browse.collapsed = await listed();
  browse.errors = b.errors;
  await b.shot();
  await b.context.close();
  report.browse = browse;

  // Panels load as they come into view, as in Grafana: on a short screen the panels below stay unqueried until the
  // page is scrolled to them.
  const z = await open(browser, artifacts, `${base}/d/${uid}`, "panels-lazy", { viewport: { width: 1280, height: 400 } });
  await z.page.waitForSelector(".dash-grid .panel.drawn", { timeout: 45000 });
  await z.page.waitForLoadState("networkidle", { timeout: 45000 }).catch(() => {});
  await z.page.waitForTimeout(500);
  const lazy = { before: await panelStats(z.page), queriesBefore: z.requests.filter(u => u.includes("/api/ds/query")).length };
  await settle(z.page);
  Object.assign(lazy, { after: await panelStats(z.page), queriesAfter: z.requests.filter(u => u.includes("/api/ds/query")).length, errors: z.errors });
  await z.context.close();
  report.lazy = lazy;

  for (const [w, h] of [[1280, 800], [1920, 1080]]) {
    const l = await open(browser, artifacts, `${base}/d/${uid}`, `panels-${w}x${h}`, { viewport: { width: w, height: h } });
    await l.page.waitForSelector(".dash-grid", { timeout: 45000 });
    await settle(l.page);
    report.layout[`${w}x${h}`] = { problems: await layoutProblems(l.page), errors: l.errors };
    await l.shot();
    await l.context.close();
  }
} finally {
  await browser.close();
}
writeFileSync(join(artifacts, "report.json"), JSON.stringify(report, null, 2));
