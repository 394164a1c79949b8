#!/usr/bin/env node
// Sums jest's JSON results of every project into a table and one closing line,
// `tests: N passed, N failed, N skipped`. Exits 1 if any test failed or none ran.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'tmp/jest-results';
const rows = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const result = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  rows.push({
    suite: file.replace(/\.json$/, ''),
    passed: result.numPassedTests,
    failed: result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0),
    skipped: result.numPendingTests + (result.numTodoTests ?? 0),
  });
}
const total = rows.reduce(
  (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
  {
    passed: 0,
    failed: 0,
    skipped: 0,
  },
);
const width = Math.max(10, ...rows.map((r) => r.suite.length));
console.log(`\n${'suite'.padEnd(width)}  passed  failed  skipped`);
for (const r of rows) {
  console.log(
    `${r.suite.padEnd(width)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}`,
  );
}
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
