#!/usr/bin/env node
// Generates a service's Prisma client with no network: the Prisma CLI first looks for
// its native schema engine, which cannot be downloaded here; generation does not need
// it, so we point PRISMA_SCHEMA_ENGINE_BINARY at a stub that exits 1 (stack-notes.md).
// Usage: node tools/prisma-generate.mjs <path/to/schema.prisma> [...]
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schemas = process.argv.slice(2);
if (schemas.length === 0) {
  console.error('usage: node tools/prisma-generate.mjs <schema.prisma> [...]');
  process.exit(2);
}
const stubDir = mkdtempSync(join(tmpdir(), 'ats-prisma-'));
const stub = join(stubDir, 'schema-engine-stub');
writeFileSync(stub, '#!/bin/sh\necho "schema engine not available offline" >&2\nexit 1\n');
chmodSync(stub, 0o755);
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: stub,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
};
let failed = false;
for (const schema of schemas) {
  const result = spawnSync(
    join(workspaceRoot, 'node_modules/.bin/prisma'),
    ['generate', '--schema', schema],
    {
      env,
      encoding: 'utf8',
      cwd: workspaceRoot,
    },
  );
  if (result.status === 0) {
    console.log(`prisma generate: ${schema}: ok`);
  } else {
    failed = true;
    console.error(`prisma generate: ${schema}: failed\n${result.stdout}\n${result.stderr}`);
  }
}
rmSync(stubDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
