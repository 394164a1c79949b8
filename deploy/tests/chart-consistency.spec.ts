import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  SERVICES,
  SERVICE_NAMES,
  chartDir,
  chartValues,
  defaultGrpcPort,
  defaultHttpPorts,
  examplesDir,
  helmMerge,
  isMap,
  readYaml,
  templates,
  workspaceRoot,
  yamlFiles,
  type ServiceKey,
  type Values,
} from './chart-files';

// Helm renders a missing value as nothing, silently: a template that reads a value under
// a misspelt name, or a value nobody reads, only shows in a cluster. These specs read the
// templates' text and hold them, values.yaml and values.schema.json to one another.

const serviceKeys = Object.keys(SERVICES) as ServiceKey[];
const IDENT = '[A-Za-z_][A-Za-z0-9_]*';

interface Reference {
  /** Dotted path; `[]` stands for "each item" of a list, `<service>` for each service block. */
  path: string;
  file: string;
}

/**
 * Every values path the templates read: `.Values.a.b` (also via `.root`, `$root`, `$`),
 * `$svc.x` (a service's block, see _helpers.tpl), `(index $.Values $name).x`, and
 * variables bound to a values path (`$auth := .Values.gateway.auth`, `range $node :=
 * .Values.freeswitch.nodes`). Binding a variable is not a use; reading through it is.
 */
function references(): Reference[] {
  const refs: Reference[] = [];
  for (const [file, text] of templates()) {
    const aliases = new Map<string, string>([['svc', '<service>']]);
    const bindings = new Set<number>();
    for (const m of text.matchAll(
      new RegExp(`\\$(${IDENT})\\s*:=\\s*[$\\w.]*\\.Values((?:\\.${IDENT})+)`, 'g'),
    )) {
      const inRange = /range\s+(?:\$\w+\s*,\s*)?$/.test(text.slice(Math.max(0, m.index - 30), m.index));
      aliases.set(m[1], inRange ? `${m[2].slice(1)}[]` : m[2].slice(1));
      if (!inRange) bindings.add(m.index + m[0].length - m[2].length - '.Values'.length);
    }
    for (const m of text.matchAll(new RegExp(`\\.Values((?:\\.${IDENT})+)`, 'g'))) {
      if (!bindings.has(m.index)) refs.push({ path: m[1].slice(1), file });
    }
    for (const m of text.matchAll(new RegExp(`\\(index \\S*Values \\$?\\.?name\\)((?:\\.${IDENT})+)`, 'g'))) {
      refs.push({ path: `<service>${m[1]}`, file });
    }
    for (const [alias, target] of aliases) {
      for (const m of text.matchAll(new RegExp(`\\$${alias}((?:\\.${IDENT})+)`, 'g'))) {
        refs.push({ path: `${target}${m[1]}`, file });
      }
      // `get $node "key"`: an optional key, read without failing `helm lint --strict`.
      for (const m of text.matchAll(new RegExp(`\\bget \\$${alias} "(${IDENT})"`, 'g'))) {
        refs.push({ path: `${target}.${m[1]}`, file });
      }
    }
  }
  return refs;
}

/** A `<service>` path stands for the same path in each service block. */
const expand = (path: string): string[] =>
  path.startsWith('<service>') ? serviceKeys.map((key) => path.replace('<service>', key)) : [path];

function schemaDeclares(path: string): boolean {
  const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as Values;
  const deref = (node: Values): Values =>
    typeof node['$ref'] === 'string'
      ? deref((schema['definitions'] as Values)[(node['$ref'] as string).split('/').pop()!] as Values)
      : node;
  let node: Values | undefined = schema;
  for (const step of path.replace(/\[\]/g, '.[]').split('.')) {
    node = deref(node);
    if (step === '[]') node = isMap(node['items']) ? (node['items'] as Values) : undefined;
    else {
      const properties = node['properties'];
      node = isMap(properties) && isMap(properties[step]) ? (properties[step] as Values) : undefined;
    }
    if (!node) return false;
  }
  return true;
}

/** Whether a path (with `[]` for list items) has a value in these values. */
function present(values: unknown, path: string): boolean {
  let nodes: unknown[] = [values];
  for (const step of path.replace(/\[\]/g, '.[]').split('.')) {
    nodes =
      step === '[]'
        ? nodes.flatMap((node) => (Array.isArray(node) ? node : []))
        : nodes.filter(isMap).flatMap((node) => (step in node ? [node[step]] : []));
  }
  return nodes.length > 0;
}

/** values.yaml's leaves: scalars, lists and empty maps. */
function leaves(values: Values, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) =>
    isMap(value) && Object.keys(value).length > 0 ? leaves(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe('the chart templates against values.yaml and values.schema.json', () => {
  const refs = references();
  const values = chartValues();
  const examples = yamlFiles(examplesDir).map((file) => helmMerge(values, readYaml(join(examplesDir, file))));

  it('read values through the paths this spec understands', () => {
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.some((ref) => ref.path.startsWith('<service>.'))).toBe(true);
    expect(refs.some((ref) => ref.path.startsWith('freeswitch.nodes[].'))).toBe(true);
  });

  it('read only paths the schema declares', () => {
    const undeclared = refs.flatMap((ref) =>
      expand(ref.path)
        .filter((path) => !schemaDeclares(path))
        .map((path) => `${ref.file}: ${path}`),
    );
    expect([...new Set(undeclared)]).toEqual([]);
  });

  it('read only paths that values.yaml or an example sets', () => {
    // A `<service>` path is read by the one template all services share: set for one, it counts.
    const set = (path: string) => [values, ...examples].some((source) => present(source, path));
    const unset = refs.filter((ref) => !expand(ref.path).some(set)).map((ref) => `${ref.file}: ${ref.path}`);
    expect([...new Set(unset)]).toEqual([]);
  });

  it('read every value values.yaml sets', () => {
    const used = refs.flatMap((ref) => expand(ref.path));
    const unused = leaves(values).filter(
      (leaf) =>
        !used.some(
          (path) =>
            path === leaf ||
            leaf.startsWith(`${path}.`) ||
            path.startsWith(`${leaf}.`) ||
            path.startsWith(`${leaf}[]`),
        ),
    );
    expect(unused).toEqual([]);
  });

  it('give each service the port it listens on by default (the image EXPOSEs it)', () => {
    const ports = defaultHttpPorts();
    for (const key of serviceKeys) {
      expect([key, (values[key] as Values)['httpPort']]).toEqual([key, ports[SERVICE_NAMES[key]]]);
    }
    expect((values['gateway'] as Values)['grpcPort']).toBe(defaultGrpcPort());
  });

  it('name the image of each service after its app (docker/<app>)', () => {
    const helpers = templates().get('_helpers.tpl')!;
    const map = /define "autotelesale\.app"[\s\S]*?\(dict ([^)]*)\)/.exec(helpers)![1];
    const pairs = Object.fromEntries([...map.matchAll(/"([^"]+)" "([^"]+)"/g)].map(([, k, v]) => [k, v]));
    expect(pairs).toEqual(SERVICES);
    for (const app of Object.values(SERVICES)) {
      expect(existsSync(join(workspaceRoot, 'docker', app, 'Dockerfile'))).toBe(true);
    }
  });
});

/** The services' templates: not the FreeSWITCH lab's, whose environment is the overlay's (freeswitch-lab.spec.ts). */
const serviceTemplatesText = () =>
  [...templates()]
    .filter(([file]) => !file.startsWith('freeswitch-'))
    .map(([, text]) => text)
    .join('\n');

describe('the environment the chart sets', () => {
  const text = serviceTemplatesText();
  /** Names the services read: every ATS_* / OTEL_* word in their non-test sources, LOG_LEVEL, NODE_ENV. */
  const readByServices = (() => {
    const names = new Set<string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, name.name);
        if (name.isDirectory()) {
          if (!['node_modules', 'generated', 'test', 'fixtures'].includes(name.name)) walk(full);
        } else if (/\.ts$/.test(name.name) && !/\.(spec|int-spec|d)\.ts$/.test(name.name)) {
          for (const m of readFileSync(full, 'utf8').matchAll(
            /\b(?:ATS|OTEL)_[A-Z0-9_]+\b|\bLOG_LEVEL\b|\bNODE_ENV\b/g,
          ))
            names.add(m[0]);
        }
      }
    };
    for (const root of ['apps', 'libs']) {
      for (const project of readdirSync(join(workspaceRoot, root))) {
        const src = join(workspaceRoot, root, project, 'src');
        if (existsSync(src)) walk(src);
      }
    }
    return names;
  })();
  const envNames = [...new Set([...text.matchAll(/- name: ([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]))];

  it('names only variables the services read, or helpers that another variable expands', () => {
    expect(envNames).toEqual(expect.arrayContaining(['ATS_NATS_URL', 'ATS_FS_NODES', 'ATS_TOKEN_SECRET']));
    const unknown = envNames.filter((name) => !readByServices.has(name) && !text.includes(`$(${name}`));
    expect(unknown).toEqual([]);
  });

  it('gives ATS_DATABASE_URL to exactly the services that own tables', () => {
    const workload = templates().get('_workload.tpl')!;
    const list = /has \$name \(list ([^)]*)\)\s*\}\}\s*\{\{- include "autotelesale\.databaseUrlEnv"/.exec(
      workload,
    );
    expect(list).not.toBeNull();
    const withDatabase = [...list![1].matchAll(/"(\w+)"/g)].map((m) => m[1]).sort();
    const owningTables = serviceKeys
      .filter((key) => existsSync(join(workspaceRoot, 'apps', SERVICES[key], 'prisma/schema.prisma')))
      .sort();
    expect(withDatabase).toEqual(owningTables);
  });

  it('migrates exactly the services that own tables, and turns migrate-on-start off', () => {
    const job = templates().get('migrations-job.yaml')!;
    const listed = [.../range \$name := list ([^}]*)\}\}/.exec(job)![1].matchAll(/"(\w+)"/g)].map(
      (m) => m[1],
    );
    const owningTables = serviceKeys.filter((key) =>
      existsSync(join(workspaceRoot, 'apps', SERVICES[key], 'prisma/schema.prisma')),
    );
    expect(listed.sort()).toEqual(owningTables.sort());
    expect(text).toMatch(/- name: ATS_MIGRATE_ON_START\n\s+value: "false"/);
  });
});

describe('the chart README', () => {
  it('documents every value of values.yaml (a `<service>.x` row covers each service)', () => {
    const readme = readFileSync(join(chartDir, 'README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]));
    const serviceKey = new RegExp(`^(${serviceKeys.join('|')})\\.`);
    const missing = leaves(chartValues()).filter((leaf) => {
      const prefixes = leaf.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));
      return !prefixes.some(
        (prefix) => documented.has(prefix) || documented.has(prefix.replace(serviceKey, '<service>.')),
      );
    });
    expect(missing).toEqual([]);
  });
});

describe('extra env (`<service>.env`)', () => {
  it('may not set a variable the chart sets itself: the schema lists exactly those', () => {
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as {
      definitions: { envMap: { propertyNames: { not: { enum: string[] } } } };
    };
    const text = serviceTemplatesText();
    const setByChart = [
      ...new Set([...text.matchAll(/- name: ([A-Z][A-Z0-9_]*[A-Z0-9])\b/g)].map((m) => m[1])),
    ]
      .filter((name) => !text.includes(`$(${name}_`))
      .sort();
    expect([...schema.definitions.envMap.propertyNames.not.enum].sort()).toEqual(setByChart);
  });
});

describe('the templates as Go templates', () => {
  it.each([...templates().keys()])('%s opens and closes its blocks in order', (file) => {
    const text = templates()
      .get(file)!
      .replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');
    const stack: string[] = [];
    const problems: string[] = [];
    for (const m of text.matchAll(/\{\{-?\s*(if|range|with|define|else|end)\b/g)) {
      const keyword = m[1];
      if (keyword === 'end') {
        if (stack.pop() === undefined) problems.push(`an end without a block at ${m.index}`);
      } else if (keyword === 'else') {
        if (!['if', 'with', 'range'].includes(stack[stack.length - 1] ?? ''))
          problems.push(`a stray else at ${m.index}`);
      } else stack.push(keyword);
    }
    expect([...problems, ...stack.map((open) => `an unclosed ${open}`)]).toEqual([]);
    expect((text.match(/\{\{/g) ?? []).length).toBe((text.match(/\}\}/g) ?? []).length);
  });
});
