#!/usr/bin/env node
// Compiles one Nx project's TypeScript into dist/<projectRoot>, with swc (decorator
// metadata on, for NestJS). Type checking is the separate `typecheck` target (tsc).
// `@autotelesale/<lib>` imports are rewritten to relative paths into dist/libs/<lib>,
// so the output runs with plain `node` and needs no path-alias loader.
// Usage: node tools/build.mjs <projectRoot> [<projectRoot> ...]
import { transformFile } from '@swc/core';
import {
  readFileSync,
  readdirSync,
  statSync,
  mkdirSync,
  writeFileSync,
  rmSync,
  copyFileSync,
  existsSync,
  renameSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const swcOptions = JSON.parse(readFileSync(join(workspaceRoot, '.swcrc'), 'utf8'));
delete swcOptions.$schema;

// The `@autotelesale/*` aliases, exactly as tsconfig.base.json declares them (one place).
const aliases = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')).compilerOptions
  .paths;

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'fixtures', 'generated-test']);
// Specs and their fixtures (`*.fixtures.ts`, imported only by specs) stay out of dist.
const isTest = (file) => /\.(spec|int-spec|fixtures)\.ts$/.test(file) || file.endsWith('.d.ts');
// Files the services read at run time (gRPC .proto, SQL migrations, JSON scenarios) are
// copied next to the compiled code.
const isAsset = (file) =>
  /\.(proto|sql|json|prisma|html|css)$/.test(file) &&
  !/(^|\/)(tsconfig|project|package)[^/]*\.json$/.test(file);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!SKIPPED_DIRS.has(name)) walk(full, out);
    } else {
      out.push(full);
    }
  }
  return out;
}

function rewriteAliases(code, outFile) {
  return code.replace(/require\((["'])(@autotelesale\/[a-z0-9-]+)\1\)/g, (match, _q, alias) => {
    const source = aliases[alias]?.[0];
    if (!source) throw new Error(`${outFile}: ${alias} is not declared in tsconfig.base.json paths`);
    const target = join(workspaceRoot, 'dist', source.replace(/\.ts$/, '.js'));
    let rel = relative(dirname(outFile), target).split(sep).join(posix.sep);
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `require("${rel}")`;
  });
}

async function buildProject(projectRoot) {
  const srcRoot = join(workspaceRoot, projectRoot);
  const finalRoot = join(workspaceRoot, 'dist', projectRoot);
  // Build beside the old output and swap it in at the end, so a process running the old
  // build (a test's fs-sim child, a benchmark) never sees a half-deleted tree.
  const outRoot = `${finalRoot}.building-${process.pid}`;
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });
  const files = walk(srcRoot);
  let compiled = 0;
  for (const file of files) {
    const rel = relative(srcRoot, file);
    if (file.endsWith('.ts') && !isTest(file)) {
      const outFile = join(outRoot, rel.replace(/\.ts$/, '.js'));
      const result = await transformFile(file, {
        ...swcOptions,
        swcrc: false,
        filename: file,
        sourceFileName: relative(dirname(outFile), file),
      });
      mkdirSync(dirname(outFile), { recursive: true });
      writeFileSync(
        outFile,
        `${rewriteAliases(result.code, outFile)}\n//# sourceMappingURL=${posix.basename(outFile)}.map\n`,
      );
      if (result.map) writeFileSync(`${outFile}.map`, result.map);
      compiled += 1;
    } else if (isAsset(rel)) {
      mkdirSync(dirname(join(outRoot, rel)), { recursive: true });
      copyFileSync(file, join(outRoot, rel));
    }
  }
  const oldRoot = `${finalRoot}.old-${process.pid}`;
  if (existsSync(finalRoot)) renameSync(finalRoot, oldRoot);
  renameSync(outRoot, finalRoot);
  rmSync(oldRoot, { recursive: true, force: true });
  console.log(`build: ${projectRoot}: ${compiled} files -> ${relative(workspaceRoot, finalRoot)}`);
}

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error('usage: node tools/build.mjs <projectRoot> [...]');
  process.exit(2);
}
for (const root of roots) await buildProject(root);
