// The single-page app's router: path → page. Links within the app navigate without reloading.
"use strict";

const App = (() => {
  const ROUTES = [
    [/^\/$/, root => Overview.page(root)],
    [/^\/(graph|explore)$/, (root, params) => Explore.page(root, params)],
    [/^\/logs$/, (root, params) => Logs.page(root, params)],
    [/^\/alerts$/, root => Pages.alerts(root)],
    [/^\/rules$/, root => Pages.rules(root)],
    [/^\/targets$/, root => Pages.targets(root)],
    [/^\/push$/, root => PushPage.page(root)],
    [/^\/drift$/, root => DriftPage.page(root)],
    [/^\/dashboards(?:\/f\/[^/]+\/?)?$/, (root, params) => Pages.dashboards(root, params)],
    [/^\/d\/([^/]+)(?:\/[^/]*)?$/, (root, params, m) => Pages.dashboard(root, params, decodeURIComponent(m[1]))],
  ];

  async function route() {
    Pages.stop();
    Logs.stop();
    const root = document.getElementById("page");
    root.replaceChildren();
    const path = location.pathname;
    for (const a of document.querySelectorAll("header nav a")) a.classList.toggle("active", a.getAttribute("href") === path || (path.startsWith("/d/") && a.getAttribute("href") === "/dashboards") || (path === "/explore" && a.getAttribute("href") === "/graph"));
    for (const [re, page] of ROUTES) {
      const m = re.exec(path);
      if (m) { await page(root, new URLSearchParams(location.search), m); return; }
    }
    root.append(Dom.notice("Page not found: " + path, "notice error"));
  }

  /** The Prometheus datasource's scrape interval (mlobs's global scrape_interval), as Grafana reads its timeInterval. */
  async function loadSettings() {
    try {
      const sources = await Api.getJson("/api/datasources");
      const prometheus = sources.find(s => s.type === "prometheus");
      const ms = prometheus && prometheus.jsonData && Templating.parseDuration(prometheus.jsonData.timeInterval);
      if (ms) Templating.settings.scrapeMs = ms;
    } catch (e) {
      // a server still starting: Grafana's default until the next load
    }
  }

  /** Under `mlobs demo`, every page says the data is synthetic. */
  async function demoBanner() {
    try {
      const flags = await Api.get("/api/v1/status/flags");
      if (flags["mlobs.demo"] !== "true") return;
      const banner = Dom.el("div", { className: "demo-banner", textContent:
        "Demo: this is mlobs demo — a synthetic ML estate (two model servers, a feature store that is down from 15 s to 2 min 45 s after the start, a nightly training DAG and dbt freshness pushed through the Pushgateway API, Airflow through StatsD, service logs; the fraud model's \"amount\" input drifts from 1m30s to 4m30s of every six minutes — see Drift). Nothing here is real data." });
      document.querySelector("header").after(banner);
    } catch (e) {
      // a server still starting: no banner until the next load
    }
  }

  let settingsReady = Promise.resolve();

  async function start() {
    if (window.MLOBS_SNAPSHOT) { Snapshot.show(window.MLOBS_SNAPSHOT); return; }
    document.querySelector("header").append(Theme.toggle(() => route()));
    // Settings and the demo banner load beside the first page: a dashboard waits for the settings (its intervals
    // need the scrape interval) only after fetching its own JSON.
    settingsReady = loadSettings();
    demoBanner();
    document.addEventListener("click", e => {
      const a = e.target.closest && e.target.closest("a");
      if (!a || a.target || e.ctrlKey || e.metaKey || e.shiftKey || a.origin !== location.origin) return;
      const path = a.getAttribute("href");
      if (!path || !(ROUTES.some(([re]) => re.test(new URL(a.href).pathname)))) return;
      e.preventDefault();
      history.pushState(null, "", a.href);
      route();
    });
    window.addEventListener("popstate", route);
    route();
  }

  return { route, start, settings: () => settingsReady };
})();

/** A file written by `mlobs snapshot`: one dashboard with its data inlined, no network. */
const Snapshot = {
  async show(snap) {
    if (snap.scrapeMs) Templating.settings.scrapeMs = snap.scrapeMs;
    document.querySelector("header nav")?.remove();
    const root = document.getElementById("page");
    const view = new DashboardView.View(root, snap.dashboard, { snapshot: snap, from: snap.from, to: snap.to, fromText: "", toText: "" });
    await view.start();
  },
};

document.addEventListener("DOMContentLoaded", App.start);
