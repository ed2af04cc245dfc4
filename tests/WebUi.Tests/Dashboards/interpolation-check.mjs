// Runs the shared interpolation cases against the browser's implementation (src/WebUi/wwwroot/js/variables.js),
// loaded as the page loads it (a plain script). Prints the failures as JSON; exit 1 if any.
import { readFileSync } from "node:fs";
import vm from "node:vm";

const [casesFile, scriptFile] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesFile, "utf8"));
const context = vm.createContext({ Api: {} });
vm.runInContext(readFileSync(scriptFile, "utf8") + "\nthis.Templating = Templating;", context);
const T = context.Templating;
const failures = [];
for (const [input, expected] of cases.cases) {
  const got = T.interpolate(input, cases.variables);
  if (got !== expected) failures.push({ input, expected, got });
}
for (const [rangeMs, points, min, expected] of cases.intervals) {
  const got = T.panelInterval(rangeMs, points, min);
  if (got !== expected) failures.push({ interval: [rangeMs, points, min], expected, got });
}
for (const [rangeMs, points, min, scrapeMs, expected, rate] of cases.scrapeIntervals) {
  const got = T.panelInterval(rangeMs, points, min, scrapeMs);
  const gotRate = T.builtIns(0, rangeMs, got, scrapeMs).__rate_interval.values[0];
  if (got !== expected || gotRate !== rate) failures.push({ scrapeInterval: [rangeMs, points, min, scrapeMs], expected: [expected, rate], got: [got, gotRate] });
}
for (const [rangeMs, intervalMs, expected] of cases.steps) {
  const got = T.queryStepS(rangeMs, intervalMs) * 1000;
  if (got !== expected) failures.push({ step: [rangeMs, intervalMs], expected, got });
}
for (const [panel, target, expected] of cases.lokiTargets) {
  const got = T.isLokiTarget(panel, target);
  if (got !== expected) failures.push({ loki: [panel, target], expected, got });
}
for (const [repeat, expected] of cases.repeats) {
  const got = T.repeatValues({ repeat }, cases.variables);
  if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push({ repeat, expected, got });
}
const r = cases.resolve;
const resolved = await T.resolve({ templating: { list: r.templating } }, r.from, r.to);
for (const x of resolved) {
  const name = x.variable.name;
  if (JSON.stringify(x.value.values) !== JSON.stringify(r.expected[name])) failures.push({ variable: name, expected: r.expected[name], got: x.value.values });
  if (!!x.value.isAll !== !!(r.expectedAll[name])) failures.push({ variable: name, expectedAll: !!r.expectedAll[name], got: x.value.isAll });
}
console.log(JSON.stringify(failures));
process.exit(failures.length ? 1 : 0);
