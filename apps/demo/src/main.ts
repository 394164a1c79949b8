// `npm run demo` (scripts/demo.mjs runs this after scripts/setup). Non-interactive: it
// reads no stdin, stops everything it started on success, failure and Ctrl-C, and exits
// non-zero with the reason when anything fails.
import { parseDemoArgs, UsageError, USAGE, type DemoOptions } from './options';
import { DemoRun, runDemo } from './run-demo';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  const run = new DemoRun();
  let interrupted: ((signal: NodeJS.Signals) => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    interrupted = (signal) => reject(new Error(`interrupted by ${signal}`));
  });
  stop.catch(() => undefined);
  const onSignal = (signal: NodeJS.Signals) => interrupted?.(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  try {
    await Promise.race([runDemo(options, run, say), stop]);
  } catch (error) {
    process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (run.processes) process.stderr.write(`logs: ${run.processes.logDir}\n`);
    code = 1;
  } finally {
    say('\nstopping everything the demo started...');
    await run.cleanUp(options, say);
    say('stopped.');
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${String(error)}\n`);
    process.exit(1);
  },
);
