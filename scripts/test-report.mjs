/**
 * Reads one stage's test report for scripts/test.sh: prints `passed failed skipped` and appends
 * one line per skipped test (the stage, its name, the reason when the runner keeps one) to a list
 * that test.sh prints at the end. Skipped tests are never counted as passed.
 *
 *   node scripts/test-report.mjs vitest|playwright|unittest REPORT.json STAGE SKIPPED.txt
 *
 * vitest: its JSON reporter. A file that failed before any of its tests ran (an import error, a
 * sandbox test file that refuses to skip: see test/support/sandbox-required.ts) has no failed
 * test in the report, so it counts as one failure of its own.
 * playwright: its JSON reporter (expected and flaky = passed, unexpected = failed).
 * unittest: what scripts/unittest-report.py writes.
 */
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";

const [kind, reportPath, stage, skippedPath] = process.argv.slice(2);
if (!kind || !reportPath || !stage || !skippedPath) {
  console.error("usage: node scripts/test-report.mjs vitest|playwright|unittest REPORT.json STAGE SKIPPED.txt");
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));
const relative = (file) => path.relative(process.cwd(), file) || file;

/** @type {{ passed: number; failed: number; skipped: { name: string; reason?: string }[] }} */
const result = { vitest, playwright, unittest }[kind]?.(report) ?? usage(`unknown report kind "${kind}"`);
appendFileSync(skippedPath, result.skipped.map((s) => `${stage}: ${s.name}${s.reason ? ` (${s.reason})` : ""}\n`).join(""));
console.log(`${result.passed} ${result.failed} ${result.skipped.length}`);

function usage(problem) {
  console.error(`test-report: ${problem}`);
  process.exit(2);
}

function vitest(r) {
  const brokenFiles = r.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((t) => t.status === "failed")).length;
  const skipped = r.testResults.flatMap((f) =>
    f.assertionResults
      .filter((t) => t.status !== "passed" && t.status !== "failed")
      .map((t) => ({ name: `${relative(f.name)} > ${[...t.ancestorTitles, t.title].join(" > ")}`, reason: t.status === "todo" ? "todo" : undefined })),
  );
  return { passed: r.numPassedTests, failed: r.numFailedTests + brokenFiles, skipped };
}

function playwright(r) {
  const skipped = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== "skipped") continue;
        // A skip declared with the test is among its annotations; one made while it ran, its result's.
        const annotations = [...(t.annotations ?? []), ...(t.results ?? []).flatMap((res) => res.annotations ?? [])];
        const why = annotations.find((a) => ["skip", "fixme"].includes(a.type))?.description;
        skipped.push({ name: `${spec.file} > ${[...titles, spec.title].join(" > ")}`, reason: why });
      }
    }
    for (const child of suite.suites ?? []) walk(child, child.title && child.title !== child.file ? [...titles, child.title] : titles);
  };
  for (const suite of r.suites ?? []) walk(suite, []);
  const { stats } = r;
  // The list comes from the tests themselves; the count too, so the two always agree.
  return { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped };
}

function unittest(r) {
  return { passed: r.passed, failed: r.failed.length, skipped: r.skipped };
}
