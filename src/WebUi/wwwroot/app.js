// The appliance's pages: plain DOM code over the Prometheus HTTP API, no build step.
"use strict";

async function api(path) {
  const res = await fetch(path);
  const body = await res.json();
  if (body.status !== "success") throw new Error(body.error || res.statusText);
  return body.data;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => (e[k] = v));
  children.forEach(c => e.append(c));
  return e;
}

function labelChips(labels) {
  return Object.entries(labels).map(([k, v]) => el("span", { className: "label", textContent: `${k}="${v}"` }));
}

async function showTargets() {
  const data = await api("/api/v1/targets");
  const tbody = document.querySelector("#targets tbody");
  tbody.replaceChildren(...data.activeTargets.map(t => el("tr", {},
    el("td", {}, el("a", { href: t.scrapeUrl, textContent: t.scrapeUrl })),
    el("td", { className: t.health, textContent: t.health.toUpperCase() }),
    el("td", {}, ...labelChips(t.labels)),
    el("td", { textContent: t.lastScrape.startsWith("0001") ? "never" : new Date(t.lastScrape).toLocaleTimeString() }),
    el("td", { textContent: (t.lastScrapeDuration * 1000).toFixed(1) + " ms" }),
    el("td", { className: "error", textContent: t.lastError }))));
}

async function findSeries(ev) {
  if (ev) ev.preventDefault();
  const match = document.getElementById("match").value || '{__name__=~".+"}';
  const err = document.getElementById("series-error");
  err.textContent = "";
  try {
    const series = await api("/api/v1/series?limit=500&match[]=" + encodeURIComponent(match));
    document.getElementById("series-list").replaceChildren(...series.map(s => el("li", {}, ...labelChips(s))));
  } catch (e) {
    err.textContent = e.message;
  }
}

async function showStatus() {
  const info = await api("/api/v1/status/buildinfo");
  document.getElementById("buildinfo").replaceChildren(...Object.entries(info).flatMap(([k, v]) => [el("dt", { textContent: k }), el("dd", { textContent: v })]));
  document.getElementById("config").textContent = (await api("/api/v1/status/config")).yaml;
}

function route() {
  const page = (location.hash || "#targets").slice(1);
  for (const name of ["targets", "series", "status"]) document.getElementById(name + "-view").hidden = name !== page;
  if (page === "targets") showTargets();
  if (page === "status") showStatus();
}

document.getElementById("series-form").addEventListener("submit", findSeries);
window.addEventListener("hashchange", route);
route();
setInterval(() => { if ((location.hash || "#targets") === "#targets") showTargets(); }, 5000);
