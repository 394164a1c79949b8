import { CliUsageError, parseCliOptions } from './cli-options';
import { startFsSim } from './index';

// A parent that stops reading our stdout (a test harness, a pipe to `head`) must not crash
// the switch: logging is best effort.
process.stdout.on('error', () => undefined);

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2));
  const sim = await startFsSim(options);
  for (const n of sim.nodes) {
    process.stdout.write(
      `fs-sim node ${n.index} (${n.hostname}) ESL listening on ${options.host ?? '127.0.0.1'}:${n.port} Core-UUID ${n.coreUuid}\n`,
    );
  }
  if (sim.controlPort !== undefined) {
    process.stdout.write(`fs-sim control API on http://${options.host ?? '127.0.0.1'}:${sim.controlPort}\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`fs-sim: ${signal}, shutting down\n`);
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`fs-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof CliUsageError ? 2 : 1);
});
