#!/usr/bin/env node
// `npm run demo` (after scripts/setup): starts fs-sim and every service against the
// local PostgreSQL and NATS, checks that each one answers, talks ESL to fs-sim, prints
// what it saw, and stops everything it started. It runs only what exists: the
// predictive campaign comes with the core-loop work, and the demo says so.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, createWriteStream } from 'node:fs';
import { createConnection } from 'node:net';
import { join, dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const logDir = join(root, 'tmp', 'demo-logs');
mkdirSync(logDir, { recursive: true });

const NAMESPACE = process.env.ATS_NAMESPACE ?? 'demo';
const DATABASE_URL =
  process.env.ATS_DATABASE_URL ?? 'postgres://autotelesale:autotelesale@127.0.0.1:5432/autotelesale';
const NATS_URL = process.env.ATS_NATS_URL ?? 'nats://127.0.0.1:4222';
const ESL_PORT = Number(process.env.ATS_DEMO_ESL_PORT ?? 18021);
const ESL_PASSWORD = 'ClueCon';
const CONTROL_PORT = Number(process.env.ATS_DEMO_CONTROL_PORT ?? 18080);
const SERVICES = [
  { app: 'campaign-service', port: 13101 },
  { app: 'agent-service', port: 13103 },
  { app: 'reporting-service', port: 13104 },
  { app: 'dialer-service', port: 13102 },
  { app: 'gateway', port: 13000 },
];

const children = [];
const say = (text) => console.log(text);

function start(name, script, args, env) {
  if (!existsSync(script)) throw new Error(`${script} is missing: run scripts/setup (it builds everything)`);
  const log = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping)
      console.error(
        `  ${name} exited early (code ${code}, signal ${signal}); see ${join(logDir, `${name}.log`)}`,
      );
  });
  children.push({ name, child });
  return child;
}

let stopping = false;
async function stopAll() {
  stopping = true;
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

async function waitFor(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * A minimal raw ESL client for the demo (the product's typed client is libs/esl, used by
 * the dialer): authenticates, sends commands one at a time and collects events.
 */
class EslSession {
  constructor(port, password) {
    this.port = port;
    this.password = password;
    this.buffer = '';
    this.waiters = [];
    this.events = [];
    this.onEvent = () => undefined;
  }

  connect() {
    return new Promise((resolve, reject) => {
      this.socket = createConnection({ host: '127.0.0.1', port: this.port });
      this.socket.on('error', reject);
      this.socket.on('data', (chunk) => this.receive(chunk.toString('utf8')));
      this.waiters.push((head) => {
        if (!head['Content-Type']?.startsWith('auth/request')) return reject(new Error('no ESL greeting'));
        this.command(`auth ${this.password}`).then((reply) => {
          if (!reply.head['Reply-Text']?.startsWith('+OK'))
            return reject(new Error(`ESL auth refused: ${reply.head['Reply-Text']}`));
          resolve(this);
        }, reject);
      });
    });
  }

  receive(text) {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return;
      const head = Object.fromEntries(
        this.buffer
          .slice(0, end)
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const length = Number(head['Content-Length'] ?? 0);
      if (this.buffer.length < end + 2 + length) return;
      const body = this.buffer.slice(end + 2, end + 2 + length);
      this.buffer = this.buffer.slice(end + 2 + length);
      if (head['Content-Type'] === 'text/event-plain') {
        const event = Object.fromEntries(
          body
            .split('\n')
            .filter(Boolean)
            .map((line) => [
              line.slice(0, line.indexOf(':')),
              decodeURIComponent(line.slice(line.indexOf(':') + 1).trim()),
            ]),
        );
        this.events.push(event);
        this.onEvent(event);
      } else {
        this.waiters.shift()?.(head, body);
      }
    }
  }

  command(text) {
    return new Promise((resolve) => {
      this.waiters.push((head, body) => resolve({ head, body }));
      this.socket.write(`${text}\n\n`);
    });
  }

  close() {
    this.socket?.end('exit\n\n');
  }
}

async function main() {
  say('AutoTelesale demo');
  say(`  namespace ${NAMESPACE}, database ${DATABASE_URL.replace(/:[^:@/]+@/, ':***@')}, NATS ${NATS_URL}`);
  say(`  logs in ${logDir}\n`);

  say('1. fs-sim (the FreeSWITCH simulator, real ESL)');
  start('fs-sim', join(root, 'dist/apps/fs-sim/src/main.js'), [
    '--port',
    String(ESL_PORT),
    '--password',
    ESL_PASSWORD,
    '--control-port',
    String(CONTROL_PORT),
    '--time-scale',
    '0.05',
  ]);
  const esl = await waitFor('fs-sim ESL', () => new EslSession(ESL_PORT, ESL_PASSWORD).connect());
  const status = await esl.command('api status');
  say(`   ESL on 127.0.0.1:${ESL_PORT}, \`api status\` answered: ${status.body.split('\n')[1]}`);
  await esl.command(
    'event plain CHANNEL_CREATE CHANNEL_PROGRESS CHANNEL_ANSWER CHANNEL_PARK CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE BACKGROUND_JOB',
  );
  const callUuid = randomUUID();
  const destination = 'sofia/gateway/gw1/0961160001'; // the default scenario answers numbers ending 0001
  const started = Date.now();
  const hungUp = new Promise((resolve) => {
    esl.onEvent = (event) => {
      if (event['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE' && event['Unique-ID'] === callUuid)
        resolve(event);
    };
  });
  const job = await esl.command(
    `bgapi originate {origination_uuid=${callUuid},ignore_early_media=true}${destination} &park()`,
  );
  say(`   bgapi originate to ${destination.replace(/\d{4}(\d{3})$/, '****$1')}: ${job.head['Reply-Text']}`);
  await waitFor('the call to be answered', () =>
    esl.events.some((e) => e['Event-Name'] === 'CHANNEL_ANSWER' && e['Unique-ID'] === callUuid),
  );
  const kill = await esl.command(`api uuid_kill ${callUuid} NORMAL_CLEARING`);
  say(`   answered; api uuid_kill: ${kill.body.trim()}`);
  const hangup = await Promise.race([
    hungUp,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('no CHANNEL_HANGUP_COMPLETE within 10 s')), 10_000).unref(),
    ),
  ]);
  const sequence = esl.events
    .filter((e) => e['Unique-ID'] === callUuid || e['Job-UUID'])
    .map(
      (e) =>
        `${e['Event-Name']} +${Math.max(0, Math.round(Number(e['Event-Date-Timestamp']) / 1000 - started))}ms`,
    );
  say(`   events seen: ${sequence.join(', ')}`);
  say(`   hangup cause ${hangup['Hangup-Cause']}`);
  esl.close();

  say('\n2. the five services');
  for (const { app, port } of SERVICES) {
    start(app, join(root, `dist/apps/${app}/src/main.js`), [], {
      ATS_NAMESPACE: NAMESPACE,
      ATS_DATABASE_URL: DATABASE_URL,
      ATS_NATS_URL: NATS_URL,
      ATS_HTTP_PORT: String(port),
      ATS_HTTP_HOST: '127.0.0.1',
    });
  }
  const gateway = SERVICES.find((s) => s.app === 'gateway');
  const health = await waitFor(
    'every service to report healthy through the gateway',
    async () => {
      const response = await fetch(`http://127.0.0.1:${gateway.port}/api/v1/system/health`);
      const body = await response.json();
      return body.ok ? body : undefined;
    },
    60_000,
  );
  say(`   GET /api/v1/system/health on the gateway asked each service over NATS:`);
  say(`     ${'service'.padEnd(10)} ${'instance'.padEnd(18)} dependencies`);
  for (const s of health.services) {
    const deps = s.reply.dependencies.map((d) => `${d.name} ${d.ok ? 'ok' : 'DOWN'}`).join(', ');
    say(`     ${s.service.padEnd(10)} ${s.reply.instanceId.padEnd(18)} ${deps}`);
  }

  say('\n3. what is not built yet');
  say('   The predictive campaign (dialer over ESL, agents, KPIs) is the core-loop work still open;');
  say('   this demo runs no campaign and prints no KPIs until it exists.');
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(`\ndemo failed: ${error.message}`);
  exitCode = 1;
} finally {
  await stopAll();
  say('\nstopped everything the demo started.');
}
process.exit(exitCode);
