// Drives Debian's Chromium (headless, via playwright-core) against a running mlobs and prints a JSON report:
//   node ui-check.mjs BASE_URL ARTIFACTS_DIR [--dashboard UID]... [--layout] [--explore EXPR] [--logs QUERY] [--pages]
//     [--snapshot FILE]... [--import FILE]... [--silence] [--push-delete TEXT] [--drift] [--url PATH]...
// For every page: console errors and a screenshot. Explore: runs EXPR and waits for a chart. Each dashboard:
// panels drawn, with data, without data, unsupported, panel errors; then a collapsed row is expanded and a
// variable changed (both must re-query); with --layout each is loaded again at 1280x800 and 1920x1080 with every
// row open and checked for anything in a panel that scrolls or is cut off. Explore: several queries, the LogQL
// split, the query history. Logs: the fields sidebar. The .NET end-to-end tests assert on the report.
import { chromium } from "playwright-core";
import { launch, open as openPage, settle, panelStats, layoutProblems, expandAll, isQuery } from "./lib.mjs";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [base, artifacts, ...rest] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const args = { dashboards: [], explore: null, logs: null, pages: false, snapshots: [], imports: [], silence: false };
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === "--dashboard") args.dashboards.push(rest[++i]);
  else if (rest[i] === "--explore") args.explore = rest[++i];
  else if (rest[i] === "--logs") args.logs = rest[++i];
  else if (rest[i] === "--pages") args.pages = true;
  else if (rest[i] === "--snapshot") args.snapshots.push(rest[++i]);
  else if (rest[i] === "--import") args.imports.push(rest[++i]);
  else if (rest[i] === "--silence") args.silence = true;
  else if (rest[i] === "--push-delete") args.pushDelete = rest[++i];
  else if (rest[i] === "--drift") args.drift = true;
  else if (rest[i] === "--url") (args.urls ||= []).push(rest[++i]);
  else if (rest[i] === "--layout") args.layout = true;
}

const browser = await launch(chromium);
const report = { pages: {}, explore: null, logs: null, dashboards: {}, snapshots: {}, imports: {}, silence: null, pushDelete: null };

const open = (url, name, opts = {}) => openPage(browser, artifacts, url, name, opts);

try {
  if (args.pages) {
    for (const [name, path] of [["overview", "/"], ["explore", "/graph"], ["dashboards", "/dashboards"], ["alerts", "/alerts"], ["rules", "/rules"], ["targets", "/targets"], ["push", "/push"]]) {
      const s = await open(base + path, "page-" + name);
      await settle(s.page);
      await s.page.waitForTimeout(300);
      if (name === "overview") await s.page.waitForFunction(() => document.querySelectorAll(".ov-plot .uplot, .ov-plot .notice").length >= 3, null, { timeout: 20000 }).catch(() => {});
      const text = await s.page.evaluate(() => document.getElementById("page").innerText);
      const charts = await s.page.locator("#page .uplot").count();
      await s.shot();
      report.pages[name] = { errors: s.errors, text: text.slice(0, 3000), charts };
      await s.context.close();
    }
  }
  // Arbitrary paths (a dashboard in Grafana's URL form, /explore): panels as for dashboards, the page's text.
  for (const [i, path] of (args.urls || []).entries()) {
    const s = await open(base + path, "url-" + i);
    await settle(s.page);
    const stats = await panelStats(s.page);
    const text = await s.page.evaluate(() => document.getElementById("page").innerText);
    await s.shot();
    (report.urls ||= {})[path] = { ...stats, consoleErrors: s.errors, text: text.slice(0, 1500) };
    await s.context.close();
  }

  if (args.drift) {
    // The Drift page: each monitor's groups, and the selected group's two distributions (canvas bars in the
    // baseline and current colours) beside its scores over time (uPlot).
    const s = await open(base + "/drift", "page-drift");
    await s.page.waitForSelector("canvas.drift-distribution", { timeout: 20000 }).catch(() => {});
    await s.page.waitForSelector(".drift-history .uplot, .drift-history .notice", { timeout: 20000 }).catch(() => {});
    await settle(s.page);
    const drawn = await s.page.evaluate(() => {
      const has = (canvas, [r, g, b]) => {
        const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b) return true;
        return false;
      };
      return [...document.querySelectorAll("canvas.drift-distribution")].map(c => ({ baseline: has(c, [0x8e, 0x8e, 0x8e]), current: has(c, [0xe0, 0x75, 0x2d]), width: c.width }));
    });
    const history = await s.page.locator(".drift-history .uplot").count();
    const text = await s.page.evaluate(() => document.getElementById("page").innerText);
    await s.shot();
    report.drift = { errors: s.errors, text: text.slice(0, 3000), distributions: drawn, historyCharts: history };
    await s.context.close();
  }

  if (args.pushDelete) {
    // The Push page's Delete on the row holding the text: the group must be gone from /api/v1/metrics afterwards.
    const s = await open(base + "/push", "push-delete");
    await settle(s.page);
    s.page.on("dialog", d => d.accept());
    const row = s.page.locator("tr", { hasText: args.pushDelete });
    const title = await row.locator("button").getAttribute("title");
    await row.locator("button").click();
    await s.page.waitForFunction(text => !document.getElementById("page").innerText.includes(text), args.pushDelete, { timeout: 10000 }).catch(() => {});
    const groups = await s.page.evaluate(async () => (await (await fetch("/api/v1/metrics")).json()).data.map(g => g.labels));
    await s.shot();
    report.pushDelete = { request: title, remaining: groups, errors: s.errors };
    await s.context.close();
  }
  if (args.explore) {
    const s = await open(base + "/graph", "explore-run");
    await s.page.fill("textarea.expr-input", args.explore);
    await s.page.click("button[type=submit]");
    const chart = await s.page.waitForSelector(".explore-chart .uplot canvas", { timeout: 45000 }).then(() => true).catch(() => false);
    await s.shot();
    const errorsBeforeBadQuery = [...s.errors];
    // A broken expression shows the error with a caret at its position.
    await s.page.fill("textarea.expr-input", "sum(rate(x[5m])");
    await s.page.click("button[type=submit]");
    const caret = await s.page.waitForSelector(".query-error pre.caret", { timeout: 30000 }).then(e => e.textContent()).catch(() => null);
    // Autocomplete offers metric names.
    await s.page.fill("textarea.expr-input", "");
    await s.page.type("textarea.expr-input", args.explore.slice(0, 3));
    await s.page.waitForFunction(() => document.querySelectorAll("ul.suggestions li").length > 0, null, { timeout: 30000 }).catch(() => {});
    const suggested = await s.page.$$eval("ul.suggestions li", l => l.map(x => x.textContent));
    await s.shot("-error");
    report.explore = { chart, caret, suggested, url: s.page.url(), errors: errorsBeforeBadQuery };
    // Several queries on one chart: A is the expression, B its sum.
    await s.page.fill("textarea.expr-input", args.explore);
    await s.page.click(".add-query");
    await s.page.fill('.query-row[data-ref="B"] textarea', `sum(${args.explore})`);
    await s.page.click("form.explore button[type=submit]");
    await s.page.waitForFunction(() => [...document.querySelectorAll(".explore-chart .legend-name")].some(n => n.textContent.startsWith("B: ")), null, { timeout: 30000 }).catch(() => {});
    report.explore.multi = { legend: await s.page.$$eval(".explore-chart .legend-name", l => l.map(x => x.textContent)), url: s.page.url() };
    // Split: a LogQL query beside, over the same range.
    await s.page.click(".split-toggle");
    await s.page.fill(".logql-input", args.logs || '{job=~".+"}');
    await s.page.click("form.explore button[type=submit]");
    await s.page.waitForSelector(".logs-pane .log-row", { timeout: 30000 }).catch(() => {});
    report.explore.split = { rows: await s.page.locator(".logs-pane .log-row").count(), url: s.page.url(), metricsChart: await s.page.locator(".explore-chart .uplot").count() };
    await s.shot("-split");
    // History survives a reload (it is kept in the browser) and runs a query again when clicked.
    await s.page.goto(base + "/explore");
    await s.page.click(".history-toggle");
    report.explore.history = await s.page.$$eval(".query-history .history-item code", l => l.map(x => x.textContent));
    await s.page.locator(".query-history .history-item", { hasText: `sum(${args.explore})` }).first().click();
    await s.page.waitForSelector(".explore-chart .uplot", { timeout: 30000 }).catch(() => {});
    report.explore.fromHistory = { url: s.page.url(), chart: await s.page.locator(".explore-chart .uplot").count() };
    report.explore.laterErrors = s.errors.slice(errorsBeforeBadQuery.length).filter(e => !e.includes("400"));
    await s.context.close();
  }
  // Logs page: the query's lines newest first, the level histogram, a JSON line expanded, then a live line.
  if (args.logs) {
    const s = await open(`${base}/logs?query=${encodeURIComponent(args.logs)}&from=now-15m`, "logs");
    const rows = await s.page.waitForSelector(".log-row", { timeout: 45000 }).then(() => s.page.$$eval(".log-row", r => r.length)).catch(() => 0);
    const histogram = await s.page.waitForSelector(".log-histogram .uplot canvas", { timeout: 30000 }).then(() => true).catch(() => false);
    const legend = await s.page.$$eval(".log-histogram .legend-item .legend-name", l => l.map(x => x.textContent)).catch(() => []);
    const times = await s.page.$$eval(".log-time", t => t.map(x => x.textContent));
    await s.page.click(".log-row .log-line");
    const json = await s.page.waitForSelector(".log-details pre.log-json", { timeout: 10000 }).then(e => e.textContent()).catch(() => null);
    await s.shot();
    await s.page.click("button.live");
    await s.page.waitForTimeout(1000);
    const marker = "live line " + Date.now();
    await fetch(base + "/loki/api/v1/push", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ streams: [{ stream: { service: "model-server", level: "error" }, values: [[String(BigInt(Date.now()) * 1000000n), JSON.stringify({ level: "error", msg: marker })]] }] }) });
    const live = await s.page.waitForFunction(m => document.querySelector(".log-row .log-text")?.textContent.includes(m), marker, { timeout: 30000 }).then(() => true).catch(() => false);
    await s.page.click("button.live");
    await s.shot("-live");
    // The fields sidebar: labels and parsed JSON fields with their top values; clicking a value adds it to the query.
    await s.page.waitForSelector(".log-fields .field-value", { timeout: 20000 }).catch(() => {});
    const fieldNames = await s.page.$$eval(".log-fields .field-name", l => l.map(x => x.textContent));
    const levelShares = await s.page.$$eval('.log-fields .field-value[data-field="level"]', l => l.map(x => x.innerText.replace(/\s+/g, " ").trim()));
    await s.page.click('.log-fields .field-value[data-field="level"][data-value="error"]');
    await s.page.waitForFunction(() => document.querySelector("textarea.expr-input").value.includes('level="error"'), null, { timeout: 10000 }).catch(() => {});
    await settle(s.page);
    const afterLabel = { query: await s.page.inputValue("textarea.expr-input"), levels: await s.page.$$eval(".log-row .log-labels", l => [...new Set(l.map(x => /level="([^"]*)"/.exec(x.textContent)?.[1]))]) };
    await s.page.click('.log-fields .field-value[data-field="model"]');
    await s.page.waitForFunction(() => document.querySelector("textarea.expr-input").value.includes("| json |"), null, { timeout: 10000 }).catch(() => {});
    await settle(s.page);
    const afterField = { query: await s.page.inputValue("textarea.expr-input"), rows: await s.page.locator(".log-row").count() };
    const fields = { names: fieldNames, levelShares, afterLabel, afterField };
    // A broken query shows Loki's error with a caret (its 400 is the one console error expected).
    const errorsBeforeBadQuery = [...s.errors];
    await s.page.fill("textarea.expr-input", '{service="model-server"} | latency_ms >');
    await s.page.click("form.logs-form button[type=submit]");
    const caret = await s.page.waitForSelector(".query-error pre.caret", { timeout: 30000 }).then(e => e.textContent()).catch(() => null);
    report.logs = { rows, histogram, legend, times, json, live, caret, fields, url: s.page.url(), errors: errorsBeforeBadQuery };
    await s.context.close();
  }
  for (const uid of args.dashboards) {
    const s = await open(`${base}/d/${encodeURIComponent(uid)}`, "dashboard-" + uid);
    await s.page.waitForSelector(".dash-grid", { timeout: 45000 });
    await settle(s.page);
    const initial = await panelStats(s.page);
    await s.shot();
    const variables = await s.page.$$eval(".var-picker[data-options]", list => Object.fromEntries(list.map(x => [x.getAttribute("data-var"), { selected: JSON.parse(x.getAttribute("data-values")), options: JSON.parse(x.getAttribute("data-options")) }])));
    const result = { ...initial, variables, expanded: null, variableChange: null };
    // Expand the first collapsed row: its panels appear and are drawn.
    const rows = s.page.locator(".dash-row.collapsed");
    if (await rows.count()) {
      await rows.first().click();
      await settle(s.page);
      const after = await panelStats(s.page);
      result.expanded = { before: initial.panels, after: after.panels, drawn: after.drawn, withData: after.withData, blank: after.blank, errors: after.errors };
      await s.shot("-expanded");
    }
    // Change a variable with more than one choice: the panels query again with the new value.
    // Through the picker as a person would: open it, click another value (a multi-value picker applies on Escape).
    const select = Object.entries(variables).filter(([, v]) => v.options.length > 1).map(([name, v]) => ({ name, values: v.options, current: v.selected[0] }))[0];
    if (select) {
      const next = select.values.find(v => v !== select.current && v !== "$__all") || select.values.find(v => v !== select.current);
      const before = s.requests.length;
      const picker = s.page.locator(`.var-picker[data-var="${select.name}"]`);
      await picker.locator(".var-value").click();
      await picker.locator(`.var-option[data-value="${next}"]`).click();
      if (await picker.locator(".var-menu:not([hidden])").count()) await s.page.keyboard.press("Escape");
      await settle(s.page);
      const queried = s.requests.slice(before).filter(isQuery).length;
      result.variableChange = { name: select.name, to: next, queries: queried, url: s.page.url() };
      await s.shot("-variable");
    }
    result.consoleErrors = s.errors;
    report.dashboards[uid] = result;
    await s.context.close();
    if (args.layout) {
      // The layout at the two common screen sizes, every row open.
      result.layout = {};
      for (const [w, h] of [[1280, 800], [1920, 1080]]) {
        const l = await open(`${base}/d/${encodeURIComponent(uid)}`, `layout-${uid}-${w}x${h}`, { viewport: { width: w, height: h } });
        await l.page.waitForSelector(".dash-grid", { timeout: 45000 });
        await settle(l.page);
        await expandAll(l.page);
        await settle(l.page);
        const stats = await panelStats(l.page);
        result.layout[`${w}x${h}`] = { panels: stats.panels, drawn: stats.drawn, problems: await layoutProblems(l.page), consoleErrors: l.errors };
        await l.shot();
        await l.context.close();
      }
    }
  }
  // Silence the first firing alert from the Alerts page.
  if (args.silence) {
    const s = await open(base + "/alerts", "alerts-silence");
    const button = await s.page.waitForSelector("button.silence", { timeout: 30000 }).catch(() => null);
    let result = null;
    if (button) {
      await button.click();
      result = await s.page.waitForSelector("td .muted, td .error", { timeout: 30000 }).then(e => e.textContent()).catch(() => null);
    }
    await s.shot();
    report.silence = { result, consoleErrors: s.errors };
    await s.context.close();
  }
  // Import through the Dashboards page's file upload: the page links the new dashboard and lists it.
  for (const file of args.imports) {
    const s = await open(base + "/dashboards", "import");
    await s.page.waitForSelector("input.import-file");
    await s.page.setInputFiles("input.import-file", file);
    const link = await s.page.waitForSelector(".ok a", { timeout: 45000 }).then(e => e.textContent()).catch(() => null);
    await settle(s.page);
    const listed = await s.page.$$eval(".dash-list li a", l => l.map(a => a.textContent));
    await s.shot();
    report.imports[file] = { link, listed, consoleErrors: s.errors };
    await s.context.close();
  }
  for (const file of args.snapshots) {
    const s = await open("file://" + file, "snapshot-" + file.split("/").pop().replace(/\.html$/, ""), { offline: true });
    await s.page.waitForSelector(".dash-grid", { timeout: 45000 });
    await settle(s.page);
    const stats = await panelStats(s.page);
    await s.shot();
    report.snapshots[file] = { ...stats, consoleErrors: s.errors, network: s.requests.filter(u => !u.startsWith("file:") && !u.startsWith("data:")) };
    await s.context.close();
  }
} finally {
  await browser.close();
}
writeFileSync(join(artifacts, "report.json"), JSON.stringify(report, null, 2));
console.log(JSON.stringify(report));
