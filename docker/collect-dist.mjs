#!/usr/bin/env node
// Copies what one service needs at run time out of dist/ into <outDir>/dist: the app's
// compiled tree and the libs its code reaches (tools/build.mjs rewrote the
// `@autotelesale/*` imports to relative requires, so following them finds the libs).
// Refuses (exit 1) when a relative require does not resolve inside what is copied, or
// when a package required is not one `npm install --omit=dev` installs: the image has
// nothing else. Source maps, tests and benchmarks stay behind.
// Usage (from the workspace root): node docker/collect-dist.mjs <app> <outDir>
import { builtinModules } from 'node:module';
import { cpSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const [app, outDir] = process.argv.slice(2);
if (!app || !outDir) {
  console.error('usage: node docker/collect-dist.mjs <app> <outDir>');
  process.exit(2);
}
const root = process.cwd();
const dist = join(root, 'dist');
const appDir = join(dist, 'apps', app);
const main = join(appDir, 'src', 'main.js');
if (!existsSync(main)) {
  console.error(`collect-dist: ${relative(root, main)} is missing: build ${app} first`);
  process.exit(1);
}

// Packages the image's `npm install --omit=dev --omit=optional` installs: the lockfile's
// entries that are neither dev, dev-optional nor optional.
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const productionPackages = new Set(
  Object.entries(lock.packages)
    .filter(
      ([path, entry]) =>
        path.startsWith('node_modules/') && !entry.dev && !entry.devOptional && !entry.optional,
    )
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
);
const builtins = new Set(builtinModules);

const LEFT_BEHIND_DIRS = new Set(['test', 'bench', 'fixtures']);
const keep = (file) => !file.endsWith('.map') && !/\.(spec|int-spec)\.js$/.test(file);

function filesOf(dir, top = dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!(dir === top && LEFT_BEHIND_DIRS.has(name))) filesOf(full, top, out);
    } else if (keep(full)) {
      out.push(full);
    }
  }
  return out;
}

function resolveRelative(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.js`, `${base}.json`, join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const roots = [appDir];
const libs = new Set();
const copied = new Set();
const problems = [];
const queue = filesOf(appDir);
queue.forEach((f) => copied.add(f));
while (queue.length > 0) {
  const file = queue.shift();
  if (!file.endsWith('.js')) continue;
  const code = readFileSync(file, 'utf8');
  for (const match of code.matchAll(/\brequire\((["'])([^"']+)\1\)/g)) {
    const spec = match[2];
    const where = relative(root, file);
    if (spec.startsWith('.')) {
      const target = resolveRelative(file, spec);
      if (!target) {
        problems.push(`${where}: require("${spec}") does not resolve`);
        continue;
      }
      const [top, kind, name] = relative(root, target).split(sep);
      if (top !== 'dist' || (kind !== 'apps' && kind !== 'libs') || (kind === 'apps' && name !== app)) {
        problems.push(`${where}: require("${spec}") leaves the app and its libs`);
        continue;
      }
      if (kind === 'libs' && !libs.has(name)) {
        libs.add(name);
        const libDir = join(dist, 'libs', name);
        roots.push(libDir);
        for (const f of filesOf(libDir)) {
          if (!copied.has(f)) {
            copied.add(f);
            queue.push(f);
          }
        }
      }
      if (!copied.has(target))
        problems.push(`${where}: require("${spec}") reaches a file that is not copied`);
    } else if (
      !spec.startsWith('node:') &&
      !builtins.has(spec) &&
      !productionPackages.has(packageName(spec))
    ) {
      problems.push(`${where}: require("${spec}"): ${packageName(spec)} is not a production dependency`);
    }
  }
}
if (problems.length > 0) {
  console.error(`collect-dist: ${app}: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
for (const file of copied) {
  cpSync(file, join(resolve(outDir), relative(root, file)));
}
console.log(
  `collect-dist: ${app}: ${copied.size} files from dist/apps/${app} and ${libs.size} libs (${[...libs].sort().join(', ')}) -> ${outDir}`,
);
