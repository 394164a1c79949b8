import type { FsSimOptions } from './index';

export class CliUsageError extends Error {
  readonly code = 'FS_SIM_USAGE';
}

export const USAGE = `usage: fs-sim --port 8021 --password <pw> [--nodes N] [--seed S] [--time-scale X]
              [--scenario file.json] [--control-port P] [--sps N] [--max-sessions N]
              [--jitter-ms MS] [--heartbeat-ms MS] [--host 127.0.0.1]
              [--event-queue-limit N] [--max-missed-events N] [--auth-timeout-ms MS]`;

/** Flags where 0 would make the switch unusable (every event lost, every client cut at once). */
const POSITIVE = new Set(['--event-queue-limit', '--auth-timeout-ms']);

const NUMERIC: Record<string, keyof FsSimOptions> = {
  '--port': 'port',
  '--nodes': 'nodes',
  '--seed': 'seed',
  '--time-scale': 'timeScale',
  '--control-port': 'controlPort',
  '--sps': 'sps',
  '--max-sessions': 'maxSessions',
  '--jitter-ms': 'jitterMs',
  '--heartbeat-ms': 'heartbeatMs',
  '--event-queue-limit': 'eventQueueLimit',
  '--max-missed-events': 'maxMissedEvents',
  '--auth-timeout-ms': 'authTimeoutMs',
};

export function parseCliOptions(argv: string[]): FsSimOptions {
  const options: FsSimOptions = {};
  const record = options as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=')
      ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)]
      : [flag, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new CliUsageError(`${name} needs a value\n${USAGE}`);
    const key = NUMERIC[name];
    if (key) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0)
        throw new CliUsageError(`${name} must be a non-negative number, got ${value}`);
      if (n === 0 && POSITIVE.has(name)) throw new CliUsageError(`${name} must be at least 1, got ${value}`);
      record[key] = n;
    } else if (name === '--password') {
      options.password = value;
    } else if (name === '--scenario') {
      options.scenario = value;
    } else if (name === '--host') {
      options.host = value;
    } else {
      throw new CliUsageError(`unknown option ${name}\n${USAGE}`);
    }
  }
  return options;
}
