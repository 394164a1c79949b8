import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import {
  badValuesDir,
  chartDir,
  chartValues,
  examplesDir,
  helmMerge,
  readYaml,
  yamlFiles,
  type Values,
} from './chart-files';

// Helm validates the merged values (values.yaml, then each -f file) against
// values.schema.json; these specs do the same with ajv. Strict mode also catches a
// misspelt keyword, which Helm would silently ignore (and so validate nothing); strictTypes
// and strictRequired are off because the conditional branches (`if`, `anyOf`, `not`)
// rightly omit `type` and name properties declared beside them.
const schema: unknown = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(schema as object);

function errorsOf(values: Values): ErrorObject[] {
  return validate(values) ? [] : [...(validate.errors ?? [])];
}

const describeError = (e: ErrorObject) =>
  `${e.instancePath || '/'} ${e.keyword} ${JSON.stringify(e.params)} ${e.message ?? ''}`;

/** `# expect: <instancePath> <keyword> [<missing or extra property>]` in a bad-values file's header. */
function expectation(file: string): { path: string; keyword: string; property?: string } {
  const match = /^# expect: (\S+) (\w+)(?: (\S+))?$/m.exec(readFileSync(join(badValuesDir, file), 'utf8'));
  if (!match) throw new Error(`${file}: no "# expect: <path> <keyword>" line`);
  return { path: match[1], keyword: match[2], property: match[3] };
}

describe('values.schema.json', () => {
  it('is a draft-07 schema that compiles in strict mode', () => {
    expect((schema as { $schema: string }).$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(typeof validate).toBe('function');
  });

  it('refuses values.yaml alone, naming exactly what an operator must provide', () => {
    const errors = errorsOf(chartValues());
    const named = new Set(
      errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'minItems').map((e) => e.instancePath),
    );
    expect([...named].sort()).toEqual([
      '/freeswitch/esl',
      '/freeswitch/nodes',
      '/gateway/auth',
      '/postgresql',
    ]);
  });

  it.each(yamlFiles(examplesDir))('accepts examples/%s over values.yaml', (file) => {
    const errors = errorsOf(helmMerge(chartValues(), readYaml(join(examplesDir, file))));
    expect(errors.map(describeError)).toEqual([]);
  });

  it('has bad-values files to refuse', () => {
    expect(yamlFiles(badValuesDir).length).toBeGreaterThanOrEqual(10);
  });

  it.each(yamlFiles(badValuesDir))('refuses tests/bad-values/%s for the stated reason only', (file) => {
    const { path, keyword, property } = expectation(file);
    const errors = errorsOf(helmMerge(chartValues(), readYaml(join(badValuesDir, file))));
    const expected = errors.filter(
      (e) =>
        e.instancePath === path &&
        e.keyword === keyword &&
        (property === undefined ||
          (e.params as { missingProperty?: string }).missingProperty === property ||
          (e.params as { additionalProperty?: string }).additionalProperty === property),
    );
    expect(expected.map(describeError)).not.toEqual([]);
    // Nothing else is wrong in the file: every error is at or under the stated path, or
    // is the schema's `if` that led there.
    const unrelated = errors.filter(
      (e) => !(e.instancePath.startsWith(path) || path.startsWith(e.instancePath)) && e.keyword !== 'if',
    );
    expect(unrelated.map(describeError)).toEqual([]);
  });

  it('refuses an ESL password that would break ATS_FS_NODES (a comma separates nodes)', () => {
    const minimal = helmMerge(chartValues(), readYaml(join(examplesDir, 'minimal.yaml')));
    const errors = errorsOf(helmMerge(minimal, { freeswitch: { esl: { password: 'Clue,Con' } } }));
    expect(errors.map((e) => e.instancePath)).toContain('/freeswitch/esl/password');
  });

  it('accepts the lab FreeSWITCH switched on with its defaults from values.yaml', () => {
    const minimal = helmMerge(chartValues(), readYaml(join(examplesDir, 'minimal.yaml')));
    expect(
      errorsOf(helmMerge(minimal, { freeswitch: { lab: { enabled: true } } })).map(describeError),
    ).toEqual([]);
  });

  it('accepts a lab install without the dialer and so without FreeSWITCH', () => {
    const minimal = helmMerge(chartValues(), readYaml(join(examplesDir, 'minimal.yaml')));
    const noDialer = helmMerge(minimal, { dialer: { enabled: false } });
    (noDialer['freeswitch'] as Values)['nodes'] = [];
    expect(errorsOf(noDialer).map(describeError)).toEqual([]);
    const withDialer = helmMerge(minimal, {});
    (withDialer['freeswitch'] as Values)['nodes'] = [];
    expect(errorsOf(withDialer).map((e) => e.instancePath)).toContain('/freeswitch/nodes');
  });
});
