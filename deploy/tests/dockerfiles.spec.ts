import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  SERVICES,
  SERVICE_NAMES,
  defaultGrpcPort,
  defaultHttpPorts,
  readText,
  workspaceRoot,
} from './chart-files';

// Docker does not run here: these specs hold the Dockerfiles to what can be checked
// without it, including their build stage, replayed in a scratch directory with exactly
// the files their COPY lines bring in (minus .dockerignore).

interface Dockerfile {
  text: string;
  /** COPY lines without --from: [sources, destination]. */
  copies: { sources: string[]; destination: string }[];
  /** RUN commands of the `build` stage, in order. */
  buildRuns: string[];
  exposed: number[];
  cmd: string[];
}

function parseDockerfile(app: string): Dockerfile {
  const text = readText(`docker/${app}/Dockerfile`);
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const copies: Dockerfile['copies'] = [];
  const buildRuns: string[] = [];
  let exposed: number[] = [];
  let cmd: string[] = [];
  let stage = '';
  for (const line of instructions) {
    const [keyword, ...rest] = line.trim().split(/\s+/);
    const args = rest.join(' ');
    if (keyword === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? '';
    if (keyword === 'COPY' && !args.startsWith('--from')) {
      const parts = rest.filter((part) => !part.startsWith('--'));
      copies.push({ sources: parts.slice(0, -1), destination: parts[parts.length - 1] });
    }
    if (keyword === 'RUN' && stage === 'build') buildRuns.push(args);
    if (keyword === 'EXPOSE') exposed = rest.map(Number);
    if (keyword === 'CMD') cmd = JSON.parse(args) as string[];
  }
  return { text, copies, buildRuns, exposed, cmd };
}

/** .dockerignore as predicates (the subset of its syntax we use: globs with * and **). */
function dockerIgnored(): (path: string) => boolean {
  const patterns = readText('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const regexes = patterns.map((pattern) => {
    const body = pattern
      .split('/')
      .map((part) =>
        part === '**' ? '(?:.*)' : part.replace(/[.+^${}()|[\]]/g, '\\$&').replace(/\*/g, '[^/]*'),
      )
      .join('/')
      .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
    return new RegExp(`^${body}(?:/.*)?$`);
  });
  return (path) => regexes.some((regex) => regex.test(path));
}

/** Apps that are services: their main starts with the service kit. */
function serviceApps(): string[] {
  return readdirSync(join(workspaceRoot, 'apps'))
    .filter((app) => {
      const main = join(workspaceRoot, 'apps', app, 'src/main.ts');
      return existsSync(main) && readFileSync(main, 'utf8').includes('runService(');
    })
    .sort();
}

const hasPrisma = (app: string) => existsSync(join(workspaceRoot, 'apps', app, 'prisma/schema.prisma'));
const apps = Object.values(SERVICES) as string[];
const ignored = dockerIgnored();

describe('docker/<app>/Dockerfile', () => {
  it('exists for every service app and for nothing else', () => {
    const dockerDirs = readdirSync(join(workspaceRoot, 'docker'))
      .filter((name) => existsSync(join(workspaceRoot, 'docker', name, 'Dockerfile')))
      .sort();
    expect(dockerDirs).toEqual(serviceApps());
    expect(dockerDirs).toEqual([...apps].sort());
  });

  it('is the same file for every service but for its name, Prisma schema and ports', () => {
    const normalised = apps.map((app) =>
      readText(`docker/${app}/Dockerfile`)
        .replace(/^RUN node tools\/prisma-generate\.mjs .*\n/m, '')
        .replace(/^EXPOSE .*$/m, 'EXPOSE <ports>')
        .split(app)
        .join('<app>'),
    );
    for (const text of normalised) expect(text).toBe(normalised[0]);
  });

  describe.each(apps)('%s', (app) => {
    const dockerfile = parseDockerfile(app);
    const key = (Object.keys(SERVICES) as (keyof typeof SERVICES)[]).find((k) => SERVICES[k] === app)!;

    it('exposes the ports the service listens on by default', () => {
      const expected = [defaultHttpPorts()[SERVICE_NAMES[key]]];
      if (app === 'gateway') expected.push(defaultGrpcPort());
      expect(dockerfile.exposed).toEqual(expected);
    });

    it('runs as a numeric non-root user under tini, in production mode', () => {
      expect(dockerfile.text).toMatch(/^USER [1-9]\d*:[1-9]\d*$/m);
      expect(dockerfile.text).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
      expect(dockerfile.text).toMatch(/^ENV NODE_ENV=production$/m);
      expect(dockerfile.cmd).toEqual(['node', `dist/apps/${app}/src/main.js`]);
    });

    it('generates the Prisma client offline exactly when the service has a schema', () => {
      const generates = dockerfile.buildRuns.some((run) =>
        run.includes(`tools/prisma-generate.mjs apps/${app}/prisma/schema.prisma`),
      );
      expect(generates).toBe(hasPrisma(app));
      expect(dockerfile.text).toMatch(/^ENV PRISMA_SCHEMA_ENGINE_BINARY=/m);
    });

    it('copies only sources that exist and that .dockerignore lets through', () => {
      const sources = dockerfile.copies.flatMap((copy) => copy.sources);
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        expect([source, existsSync(join(workspaceRoot, source))]).toEqual([source, true]);
        expect([source, ignored(source.replace(/\/$/, ''))]).toEqual([source, false]);
      }
    });

    it('builds, in a scratch copy of what it COPYs, a dist with its CMD and its migrations', () => {
      const scratch = mkdtempSync(join(tmpdir(), `ats-docker-${app}-`));
      try {
        for (const { sources, destination } of dockerfile.copies) {
          for (const source of sources) {
            const from = join(workspaceRoot, source);
            const to =
              destination.endsWith('/') && statSync(from).isFile()
                ? join(scratch, destination, source.split('/').pop()!)
                : join(scratch, destination);
            cpSync(from, to, {
              recursive: true,
              filter: (path) => !ignored(relative(workspaceRoot, path)) || path === from,
            });
          }
        }
        symlinkSync(join(workspaceRoot, 'node_modules'), join(scratch, 'node_modules'));
        const out = join(scratch, 'out');
        for (const run of dockerfile.buildRuns) {
          const result = spawnSync('sh', ['-c', run.replace(/ \/out\b/g, ` ${out}`)], {
            cwd: scratch,
            encoding: 'utf8',
          });
          expect([run, result.status, result.stderr]).toEqual([run, 0, result.stderr]);
        }
        expect(existsSync(join(out, dockerfile.cmd[1]))).toBe(true);
        const migrations = (root: string) =>
          existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'migration.sql'))) : [];
        const repoMigrations = migrations(join(workspaceRoot, 'apps', app, 'prisma/migrations'));
        expect(migrations(join(out, 'dist/apps', app, 'prisma/migrations'))).toEqual(repoMigrations);
        expect(repoMigrations.length > 0).toBe(hasPrisma(app));
        // The collected tree loads its whole module graph (main requires the app module):
        // --migrate-only then stops at the first config check, as the forge's image smoke does.
        const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info' };
        delete env['ATS_DATABASE_URL'];
        const started = spawnSync(process.execPath, [join(out, dockerfile.cmd[1]), '--migrate-only'], {
          cwd: out,
          env,
          encoding: 'utf8',
          timeout: 60_000,
        });
        const output = `${started.stdout}${started.stderr}`;
        expect(output).not.toContain('Cannot find module');
        if (hasPrisma(app))
          expect([started.status, output]).toEqual([1, expect.stringContaining('ATS_DATABASE_URL')]);
        else expect([started.status, output]).toEqual([0, expect.stringContaining('nothing to migrate')]);
        // Nothing but the app and its libs, and no source maps or tests.
        const copied = listFiles(join(out, 'dist'));
        expect(copied.filter((file) => !/^(apps\/[^/]+|libs\/[^/]+)\//.test(file))).toEqual([]);
        expect(copied.filter((file) => file.startsWith('apps/') && !file.startsWith(`apps/${app}/`))).toEqual(
          [],
        );
        expect(copied.filter((file) => /\.map$|\.spec\.js$/.test(file))).toEqual([]);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }, 180_000);
  });
});

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, root) : [relative(root, full)];
  });
}
