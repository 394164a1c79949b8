import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The module-boundary and house rules must really fire: each case lints a small file
 * as if it stood inside a real project of the workspace, and expects the rule's error.
 */
const workspaceRoot = join(__dirname, '..', '..');
const eslintBin = join(workspaceRoot, 'node_modules', '.bin', 'eslint');

// Plain eslint skips the boundary rule when Nx has no cached project graph; compute it
// first so these cases do not depend on what ran before them.
beforeAll(() => {
  execFileSync(join(workspaceRoot, 'node_modules', '.bin', 'nx'), ['show', 'projects'], {
    cwd: workspaceRoot,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: 'ignore',
  });
});

// Subject-like literals, built here so this file itself stays within the house rule.
const SUBJECT_FIXTURE = ['ats', 'evt', 'call', '123'].join('.');
const TEMPLATE_FIXTURE =
  'export const s = (ns: string) => `${ns}.' + ['rpc', 'agent', 'reserve'].join('.') + '`;\n';

/** Runs the real eslint CLI (as `nx lint` does) on `code` as if it were `relativePath`. */
async function lintAs(
  relativePath: string,
  code: string,
): Promise<Array<{ ruleId: string | null; message: string }>> {
  const run = spawnSync(eslintBin, ['--format', 'json', '--stdin', '--stdin-filename', relativePath], {
    cwd: workspaceRoot,
    input: code,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed to run: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as Array<{
    messages: Array<{ ruleId: string | null; message: string }>;
  }>;
  return result!.messages.map((m) => ({ ruleId: m.ruleId, message: m.message }));
}

describe('lint rules', () => {
  it('accepts an app importing a lib from its root (control case)', async () => {
    const messages = await lintAs(
      'apps/gateway/src/lint-fixture.ts',
      "import { createTopology } from '@autotelesale/contracts';\nexport const t = createTopology('ats');\n",
    );
    expect(messages).toEqual([]);
  });

  it('fails when an app imports another app', async () => {
    const messages = await lintAs(
      'apps/gateway/src/lint-fixture.ts',
      "import { AppModule } from '../../campaign-service/src/app.module';\nexport const m = AppModule;\n",
    );
    expect(messages).toContainEqual(expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries' }));
  });

  it('fails when libs/pacing imports @nestjs/common', async () => {
    const messages = await lintAs(
      'libs/pacing/src/lint-fixture.ts',
      "import { Injectable } from '@nestjs/common';\nexport const i = Injectable;\n",
    );
    expect(messages).toContainEqual(
      expect.objectContaining({
        ruleId: '@nx/enforce-module-boundaries',
        message: expect.stringContaining('@nestjs/common'),
      }),
    );
  });

  it.each(['nats', 'pg', '@prisma/client'])('fails when libs/pacing imports %s', async (pkg) => {
    const messages = await lintAs(
      'libs/pacing/src/lint-fixture.ts',
      `import * as x from '${pkg}';\nexport const y = x;\n`,
    );
    expect(messages).toContainEqual(expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries' }));
  });

  it('fails when a pure lib imports a data-access lib', async () => {
    const messages = await lintAs(
      'libs/contracts/src/lint-fixture.ts',
      "import { NatsBus } from '@autotelesale/messaging';\nexport const b = NatsBus;\n",
    );
    expect(messages).toContainEqual(expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries' }));
  });

  it('fails on a deep import into a lib', async () => {
    const messages = await lintAs(
      'apps/gateway/src/lint-fixture.ts',
      "import { createTopology } from '@autotelesale/contracts/src/topology';\nexport const t = createTopology;\n",
    );
    expect(messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
  });

  it('fails on a NATS subject written outside libs/contracts', async () => {
    const plain = await lintAs(
      'apps/dialer-service/src/lint-fixture.ts',
      `export const subject = '${SUBJECT_FIXTURE}';\n`,
    );
    const template = await lintAs('apps/dialer-service/src/lint-fixture.ts', TEMPLATE_FIXTURE);
    expect(plain.map((m) => m.ruleId)).toContain('no-restricted-syntax');
    expect(template.map((m) => m.ruleId)).toContain('no-restricted-syntax');
  });

  it('fails when an app imports another app through its alias', async () => {
    const messages = await lintAs(
      'apps/gateway/src/lint-fixture.ts',
      "import { AppModule } from '@autotelesale/campaign-service';\nexport const m = AppModule;\n",
    );
    expect(messages).toContainEqual(expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries' }));
  });

  it('lets the e2e project start apps (and only it)', async () => {
    const messages = await lintAs(
      'apps/e2e/src/lint-fixture.ts',
      "import { AppModule } from '@autotelesale/campaign-service';\nexport const m = AppModule;\n",
    );
    expect(messages).toEqual([]);
  });
});
