import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** Paths and readers shared by the deploy specs (the chart, its examples, the services' sources). */
export const workspaceRoot = resolve(__dirname, '../..');
export const chartDir = join(workspaceRoot, 'deploy/helm/autotelesale');
export const examplesDir = join(chartDir, 'examples');
export const badValuesDir = join(chartDir, 'tests/bad-values');

/** Values keys of the five services and the app (apps/<app>, docker/<app>) each one runs. */
export const SERVICES = {
  campaign: 'campaign-service',
  agent: 'agent-service',
  reporting: 'reporting-service',
  dialer: 'dialer-service',
  gateway: 'gateway',
} as const;
export type ServiceKey = keyof typeof SERVICES;
/** The `ServiceName` (libs/contracts) each values key stands for. */
export const SERVICE_NAMES: Record<ServiceKey, string> = {
  campaign: 'campaign',
  agent: 'agent',
  reporting: 'reporting',
  dialer: 'dialer',
  gateway: 'gateway',
};

export type Values = Record<string, unknown>;

export const isMap = (value: unknown): value is Values =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function readYaml(path: string): Values {
  const value: unknown = parse(readFileSync(path, 'utf8'), { uniqueKeys: true });
  if (!isMap(value)) throw new Error(`${path}: not a YAML map`);
  return value;
}

export const readText = (relativePath: string): string =>
  readFileSync(join(workspaceRoot, relativePath), 'utf8');

export const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort();

/**
 * Helm's merge of a `-f` file over values.yaml: maps merge key by key, anything else
 * (lists included) is replaced, and null removes the key.
 */
export function helmMerge(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = helmMerge(out[key] as Values, value);
    else out[key] = value;
  }
  return out;
}

export const chartValues = (): Values => readYaml(join(chartDir, 'values.yaml'));

/** Every template's text (templates/*.yaml, *.tpl, NOTES.txt), by file name. */
export function templates(): Map<string, string> {
  const dir = join(chartDir, 'templates');
  return new Map(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

/** The default HTTP port of each service, read from libs/service-kit/src/service-config.ts. */
export function defaultHttpPorts(): Record<string, number> {
  const source = readText('libs/service-kit/src/service-config.ts');
  const block = /DEFAULT_HTTP_PORTS[^{]*\{([^}]*)\}/.exec(source);
  if (!block) throw new Error('DEFAULT_HTTP_PORTS not found in service-config.ts');
  return Object.fromEntries(
    [...block[1].matchAll(/(\w+):\s*(\d+)/g)].map(([, name, port]) => [name, Number(port)]),
  );
}

/** The gateway's default gRPC port, read from apps/gateway/src/config/gateway-config.ts. */
export function defaultGrpcPort(): number {
  const source = readText('apps/gateway/src/config/gateway-config.ts');
  const match = /ATS_GRPC_PORT:[^\n]*\.default\((\d+)\)/.exec(source);
  if (!match) throw new Error('ATS_GRPC_PORT default not found in gateway-config.ts');
  return Number(match[1]);
}
