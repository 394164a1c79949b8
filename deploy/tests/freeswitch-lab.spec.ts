import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import {
  chartDir,
  chartValues,
  examplesDir,
  helmMerge,
  readYaml,
  templates,
  workspaceRoot,
  type Values,
} from './chart-files';

// What can be checked of the FreeSWITCH overlay and the chart's lab StatefulSet without
// FreeSWITCH or Helm: the chart ships exactly deploy/freeswitch/conf, mounts every file of
// it where vanilla FreeSWITCH reads it, and sets only environment the overlay reads; the
// overlay uses only variables it defines and documents them. (The overlay against the
// dialer and fs-sim: apps/e2e/src/freeswitch-conformance.int-spec.ts.)

const overlayDir = join(workspaceRoot, 'deploy/freeswitch/conf');
const chartCopyDir = join(chartDir, 'files/freeswitch/conf');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every file under dir, as a path relative to it, sorted. */
const filesUnder = (dir: string): string[] =>
  walk(dir)
    .map((path) => relative(dir, path))
    .sort();

const overlayText = () =>
  filesUnder(overlayDir)
    .map((file) => readFileSync(join(overlayDir, file), 'utf8'))
    .join('\n');

/** `env-set` lines: pre-processor variable → environment variable. */
function envSet(): Map<string, string> {
  return new Map(
    [...overlayText().matchAll(/cmd="env-set" data="(\w+)=\$(\w+)"/g)].map((m) => [m[1]!, m[2]!]),
  );
}

const lab = () => templates().get('freeswitch-lab.yaml')!;
const labConfigMap = () => templates().get('freeswitch-lab-configmap.yaml')!;

describe('the FreeSWITCH overlay (deploy/freeswitch/conf)', () => {
  it('is shipped by the chart byte for byte (files/freeswitch/conf)', () => {
    const files = filesUnder(overlayDir);
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(filesUnder(chartCopyDir)).toEqual(files);
    const differ = files.filter(
      (file) => !readFileSync(join(overlayDir, file)).equals(readFileSync(join(chartCopyDir, file))),
    );
    // Fix: rm -r deploy/helm/autotelesale/files/freeswitch/conf && cp -r deploy/freeswitch/conf deploy/helm/autotelesale/files/freeswitch/
    expect(differ).toEqual([]);
  });

  it('uses only $${variables} it defines or FreeSWITCH sets itself', () => {
    const text = overlayText();
    const defined = new Set([
      ...[...text.matchAll(/cmd="(?:set|env-set)" data="(\w+)=/g)].map((m) => m[1]!),
      // Set by FreeSWITCH's core (switch_core.c) or vanilla vars.xml, included before the overlay.
      'domain',
      'recordings_dir',
      'sounds_dir',
    ]);
    const used = [...new Set([...text.matchAll(/\$\$\{(\w+)\}/g)].map((m) => m[1]!))];
    expect(used.filter((name) => !defined.has(name))).toEqual([]);
    expect(used.length).toBeGreaterThan(10);
  });

  it('documents every environment variable it reads in deploy/freeswitch/README.md', () => {
    const readme = readFileSync(join(workspaceRoot, 'deploy/freeswitch/README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/`(ATS_[A-Z0-9_]+)`/g)].map((m) => m[1]));
    expect([...envSet().values()].filter((env) => !documented.has(env))).toEqual([]);
  });

  it('has no default ESL password: it can only come from the environment', () => {
    expect(envSet().get('ats_esl_password')).toBe('ATS_ESL_PASSWORD');
    expect(overlayText()).not.toMatch(/cmd="set" data="ats_esl_password=/);
    expect(overlayText()).not.toMatch(/(value|data)="[^"]*ClueCon/);
  });
});

describe('the lab FreeSWITCH StatefulSet (freeswitch.lab)', () => {
  it('mounts every overlay file at /etc/freeswitch/<path> from the ConfigMap key the ConfigMap writes', () => {
    const glob = /\.Files\.Glob "([^"]+)"/;
    expect(glob.exec(lab())?.[1]).toBe('files/freeswitch/conf/**.xml');
    expect(glob.exec(labConfigMap())?.[1]).toBe('files/freeswitch/conf/**.xml');
    const key = 'trimPrefix "files/freeswitch/conf/" $path | replace "/" "__"';
    expect(labConfigMap()).toContain(`{{ ${key} }}: |`);
    expect(lab()).toContain(`subPath: {{ ${key} }}`);
    expect(lab()).toContain('mountPath: /etc/freeswitch/{{ trimPrefix "files/freeswitch/conf/" $path }}');
    // Every file of the overlay is matched by the glob (only .xml files, any depth).
    expect(filesUnder(overlayDir).filter((f) => !f.endsWith('.xml'))).toEqual([]);
  });

  it('sets only environment the overlay reads, the secret one from the ESL Secret', () => {
    const names = [...lab().matchAll(/- name: ([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!);
    expect(names).toEqual(['ATS_ESL_PASSWORD', 'ATS_FS_GATEWAY', 'ATS_DIALER_CIDR']);
    const read = new Set(envSet().values());
    expect(names.filter((n) => !read.has(n))).toEqual([]);
    expect(lab()).toMatch(
      /- name: ATS_ESL_PASSWORD\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: \{\{ include "autotelesale\.eslSecret" \. \}\}/,
    );
    // The same gateway name as the dialers' ATS_FS_GATEWAY.
    expect(lab()).toMatch(
      /- name: ATS_FS_GATEWAY\n\s+value: \{\{ \.Values\.freeswitch\.sipGateway \| quote \}\}/,
    );
    // freeswitch.lab.env may not override what the chart sets: the schema says so.
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as Values;
    const env = (((schema['properties'] as Values)['freeswitch'] as Values)['properties'] as Values)[
      'lab'
    ] as Values;
    const labEnv = (env['properties'] as Values)['env'] as { propertyNames: { not: { enum: string[] } } };
    expect([...labEnv.propertyNames.not.enum].sort()).toEqual([...names].sort());
  });

  it('creates the ESL Secret the pod reads when the lab runs, even without dialers', () => {
    const secrets = templates().get('secrets.yaml')!;
    expect(secrets).toContain('(or .Values.dialer.enabled .Values.freeswitch.lab.enabled)');
  });
});

describe('the FreeSWITCH examples', () => {
  const merged = (file: string) => helmMerge(chartValues(), readYaml(join(examplesDir, file)));
  const fs = (values: Values) =>
    values['freeswitch'] as Values & { nodes: Array<Values>; esl: Values; lab: Values };

  it('existing-freeswitch.yaml points the dialers at existing nodes, the ESL password from a Secret', () => {
    const values = fs(merged('existing-freeswitch.yaml'));
    expect(values.nodes.length).toBeGreaterThan(0);
    expect(values.esl['existingSecret']).not.toBe('');
    expect(values.esl['password']).toBe('');
    expect(values.lab['enabled']).toBe(false);
  });

  it('freeswitch-lab.yaml points the dialers at the lab pods the StatefulSet names', () => {
    const values = fs(merged('freeswitch-lab.yaml'));
    expect(values.lab['enabled']).toBe(true);
    // Release "ats" (the install line in the file): fullname ats-autotelesale.
    const hosts = values.nodes.map((n) => n['host']);
    const pods = Array.from(
      { length: values.lab['replicas'] as number },
      (_, i) => `ats-autotelesale-freeswitch-${i}.ats-autotelesale-freeswitch`,
    );
    expect(hosts.every((h) => pods.includes(h as string))).toBe(true);
    expect(readFileSync(join(examplesDir, 'freeswitch-lab.yaml'), 'utf8')).toContain('helm install ats ');
  });
});

describe('the forge job (.github/workflows/freeswitch-e2e.yml)', () => {
  const text = readFileSync(join(workspaceRoot, '.github/workflows/freeswitch-e2e.yml'), 'utf8');
  const workflow = parse(text) as {
    jobs: Record<string, { env: Record<string, string>; services: Values; steps: Array<{ run?: string }> }>;
  };
  const job = workflow.jobs['freeswitch-e2e']!;

  it('runs a pinned FreeSWITCH image and the same one as the lab chart by default', () => {
    expect(job.env['FREESWITCH_IMAGE']).toMatch(/^[\w./-]+:\d[\w.-]*(@sha256:[a-f0-9]{64})?$/);
    const image = ((chartValues()['freeswitch'] as Values)['lab'] as Values)['image'] as Values;
    expect(job.env['FREESWITCH_IMAGE']).toBe(`${image['repository']}:${image['tag']}`);
  });

  it('mounts the shipped overlay, names only files that exist, then runs setup and the e2e suite on FreeSWITCH', () => {
    const runs = job.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('for dir in deploy/freeswitch/conf deploy/freeswitch/ci/conf');
    const paths = [...new Set([...text.matchAll(/deploy\/freeswitch\/[\w./-]+\.xml/g)].map((m) => m[0]))];
    expect(paths.length).toBeGreaterThanOrEqual(6);
    expect(paths.filter((p) => !existsSync(join(workspaceRoot, p)))).toEqual([]);
    expect(runs).toContain('bash scripts/setup');
    expect(text).toMatch(/ATS_E2E_FS_NODES: fs1=127\.0\.0\.1:8021:\$\{\{ env\.ATS_ESL_PASSWORD \}\}/);
    expect(Object.keys(job.services)).toEqual(['postgres']);
  });
});
