#!/usr/bin/env node
// `npm run demo` (= `bash scripts/setup && node scripts/demo.mjs`): runs the demo driver
// built from apps/demo (dist/apps/demo/src/main.js), passing every argument through:
//   npm run demo -- --minutes 3 --contacts 3000 --json tmp/demo/kpis.json
// The driver starts fs-sim and the five services as child processes (logs in
// tmp/demo/), ten simulated agents and a predictive campaign through the gateway, prints
// the KPI table beside manual dialing, and stops everything it started.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const driver = join(root, 'dist/apps/demo/src/main.js');
if (!existsSync(driver)) {
  console.error(`demo failed: ${driver} is missing: run scripts/setup (it builds every project)`);
  process.exit(1);
}
const child = spawn(process.execPath, [driver, ...process.argv.slice(2)], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
// The driver gets the terminal's Ctrl-C itself (same process group); a SIGTERM sent to
// this process only is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
