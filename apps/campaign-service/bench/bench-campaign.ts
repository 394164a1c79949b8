/**
 * campaign-service benchmark, on real NATS and PostgreSQL, the service in its own process
 * (as deployed) and this process playing the gateway and the dialers over NATS:
 *  1. import: a generated CSV of N rows (default 100,000: Vietnamese numbers, 4 custom
 *     columns, 1 % bad numbers, 1 % duplicates) sent as 512 KiB base64 chunks, as the
 *     gateway forwards an upload; rows/s from importStart to the reply of the last chunk.
 *  2. lease: D dialers (default 4) lease from one running campaign, B contacts per request (default 20), until
 *     L contacts (default 50,000) are leased; contacts/s. Then the same with 1 contact per
 *     request and 8 dialers (the worst case: a round trip per contact).
 *  3. outcome: 8 concurrent reporters record `busy` outcomes for leased contacts; outcomes/s.
 * Usage: npm run bench:campaign -- [--json out.json] [--rows N] [--leases L] [--batch B] [--dialers D]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { campaignRpcs, createTopology, healthRpc, type LeasedContact } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import {
  createTestDatabase,
  deleteNamespaceStreams,
  ensureNats,
  freePort,
  testNamespace,
  waitFor,
} from '@autotelesale/testing';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const ROWS = Number(flag('--rows') ?? 100_000);
const LEASES = Number(flag('--leases') ?? 50_000);
const BATCH = Number(flag('--batch') ?? 20);
const DIALERS = Number(flag('--dialers') ?? 4);
const jsonOut = flag('--json');
const CHUNK_BYTES = 512 * 1024;

function generateCsv(rows: number): Buffer {
  const cities = ['Hà Nội', 'Hồ Chí Minh', 'Đà Nẵng', 'Huế', 'Cần Thơ', 'Hải Phòng'];
  const lines = ['\uFEFFsố điện thoại,họ tên,thành phố,gói cước,điểm,ghi chú'];
  for (let i = 0; i < rows; i++) {
    const n = i % 100 === 99 ? i - 1 : i; // 1 % duplicates
    const subscriber = String(1_000_000 + n).slice(-7);
    const phone =
      i % 100 === 42
        ? `12 ${subscriber.slice(0, 3)}` // too short: rejected
        : `09${String(n % 10)} ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`;
    lines.push(
      `${phone},Khách hàng ${i},${cities[i % cities.length]},gói ${i % 7},${i % 1000},"ghi chú, số ${i}"`,
    );
  }
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

async function startService(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const main = join(__dirname, '..', 'src', 'main.js');
  // BENCH_SERVICE_NODE_ARGS: e.g. `--cpu-prof` to profile the service itself.
  const nodeArgs = (process.env['BENCH_SERVICE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  // BENCH_SERVICE_LOG: a file for the service's log lines (JSON, LOG_LEVEL).
  const logFile = process.env['BENCH_SERVICE_LOG'];
  const stdout = logFile ? openSync(logFile, 'w') : 'ignore';
  const child = spawn(process.execPath, [...nodeArgs, main], { env, stdio: ['ignore', stdout, 'inherit'] });
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`campaign-service exited with ${code}`);
  });
  return child;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function leaseAll(
  bus: NatsBus,
  campaignId: string,
  dialers: number,
  perRequest: number,
  target: number,
): Promise<LeasedContact[]> {
  const leased: LeasedContact[] = [];
  await Promise.all(
    Array.from({ length: dialers }, async (_, d) => {
      while (leased.length < target) {
        const reply = await bus.request(campaignRpcs.leaseContacts, {
          campaignId,
          dialerId: `bench-dialer-${d}`,
          count: Math.min(perRequest, target - leased.length) || 1,
          leaseSeconds: 3600,
        });
        if (reply.contacts.length === 0) return;
        leased.push(...reply.contacts);
      }
    }),
  );
  return leased;
}

async function main(): Promise<void> {
  const natsUrl = await ensureNats();
  const namespace = testNamespace();
  const db = await createTestDatabase('ats_bench');
  const topology = createTopology(namespace);
  const child = await startService({
    ...process.env,
    ATS_NATS_URL: natsUrl,
    ATS_NAMESPACE: namespace,
    ATS_DATABASE_URL: db.url,
    ATS_HTTP_PORT: String(await freePort()),
    ATS_HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
  });
  const bus = await NatsBus.connect({ servers: natsUrl, name: 'bench-campaign', topology });
  try {
    await waitFor(
      () =>
        bus
          .request(healthRpc('campaign'), {}, { timeoutMs: 1_000 })
          .then(() => true)
          .catch(() => undefined),
      {
        timeoutMs: 60_000,
        description: 'campaign-service to answer health',
      },
    );

    // 0. the floor on this machine right now: a NATS round trip to the service (health: no database).
    const floor = await timed(async () => {
      for (let i = 0; i < 200; i++) await bus.request(healthRpc('campaign'), {});
    });
    const roundTripMs = (floor.seconds / 200) * 1000;
    const load = loadavg()[0]!;

    // 1. import
    const csv = generateCsv(ROWS);
    const campaign = await bus.request(campaignRpcs.createCampaign, {
      name: 'bench',
      mode: 'predictive',
      // Open around the clock: the figures measure the queue, whatever the hour in Vietnam.
      callingHours: {
        timeZone: 'UTC',
        timeZonePolicy: 'campaign',
        windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' }],
      },
    });
    await bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'start' });
    const list = await bus.request(campaignRpcs.createList, { campaignId: campaign.id, name: 'bench list' });
    const imported = await timed(async () => {
      let status = await bus.request(campaignRpcs.startImport, {
        listId: list.id,
        format: 'csv',
        totalBytes: csv.length,
      });
      let seq = 0;
      for (let offset = 0; offset < csv.length; offset += CHUNK_BYTES) {
        status = await bus.request(
          campaignRpcs.importChunk,
          {
            importId: status.importId,
            seq: seq++,
            data: csv.subarray(offset, offset + CHUNK_BYTES).toString('base64'),
            last: offset + CHUNK_BYTES >= csv.length,
          },
          { timeoutMs: 60_000 },
        );
      }
      return status;
    });
    const report = imported.result;
    if (report.rowsIn !== ROWS || report.accepted + report.merged + report.rejected !== ROWS) {
      throw new Error(`import report does not add up: ${JSON.stringify(report)}`);
    }
    const importRowsPerSecond = ROWS / imported.seconds;

    // 2. leases, 20 per request, 4 dialers; then 1 per request, 8 dialers.
    const target = Math.min(LEASES, report.accepted);
    const batched = await timed(() => leaseAll(bus, campaign.id, DIALERS, BATCH, target));
    const leasesPerSecond = batched.result.length / batched.seconds;
    const singleTarget = Math.min(5_000, report.accepted - batched.result.length);
    const single = await timed(() => leaseAll(bus, campaign.id, 8, 1, singleTarget));
    const singleLeasesPerSecond = single.result.length / single.seconds;
    if (
      new Set([...batched.result, ...single.result].map((c) => c.id)).size !==
      batched.result.length + single.result.length
    ) {
      throw new Error('a contact was leased twice');
    }

    // 3. outcomes, 8 reporters.
    const toReport = batched.result.slice(0, 5_000);
    let next = 0;
    const outcomes = await timed(() =>
      Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < toReport.length) {
            const contact = toReport[next++]!;
            await bus.request(campaignRpcs.recordOutcome, {
              attemptId: contact.attemptId,
              dialerId: 'bench',
              outcome: 'busy',
            });
          }
        }),
      ),
    );
    const outcomesPerSecond = toReport.length / outcomes.seconds;

    const rows: Array<[string, string, string]> = [
      ['machine', `${cpus().length} cores, load average ${load.toFixed(1)} at start (shared)`, ''],
      [
        'round trip (health)',
        '200 sequential NATS requests, no database',
        `${roundTripMs.toFixed(2)} ms each`,
      ],
      [
        'import',
        `${ROWS.toLocaleString('en')} rows (${(csv.length / 1e6).toFixed(1)} MB) in ${imported.seconds.toFixed(2)} s`,
        `${Math.round(importRowsPerSecond).toLocaleString('en')} rows/s`,
      ],
      [
        '  report',
        `accepted ${report.accepted}, merged ${report.merged}, rejected ${report.rejected}`,
        'adds up',
      ],
      [
        `lease x${BATCH}, ${DIALERS} dialers`,
        `${batched.result.length.toLocaleString('en')} contacts in ${batched.seconds.toFixed(2)} s`,
        `${Math.round(leasesPerSecond).toLocaleString('en')} leases/s`,
      ],
      [
        'lease x1, 8 dialers',
        `${single.result.length.toLocaleString('en')} contacts in ${single.seconds.toFixed(2)} s`,
        `${Math.round(singleLeasesPerSecond).toLocaleString('en')} leases/s`,
      ],
      [
        'outcome, 8 reporters',
        `${toReport.length.toLocaleString('en')} outcomes in ${outcomes.seconds.toFixed(2)} s`,
        `${Math.round(outcomesPerSecond).toLocaleString('en')} outcomes/s`,
      ],
    ];
    const width = [22, 48, 18];
    console.log(['what', 'measured', 'rate'].map((h, i) => h.padEnd(width[i]!)).join(' | '));
    console.log(width.map((w) => '-'.repeat(w)).join('-|-'));
    for (const row of rows) console.log(row.map((c, i) => c.padEnd(width[i]!)).join(' | '));
    console.log(
      `targets: 100,000 rows in < 30 s (${ROWS === 100_000 ? (imported.seconds < 30 ? 'met' : 'MISSED') : 'n/a'}); 2,000 leases/s (${leasesPerSecond >= 2000 ? 'met' : 'MISSED'})`,
    );
    if (jsonOut) {
      writeFileSync(
        jsonOut,
        JSON.stringify(
          {
            importRowsPerSecond: Math.round(importRowsPerSecond),
            leasesPerSecond: Math.round(leasesPerSecond),
            singleLeasesPerSecond: Math.round(singleLeasesPerSecond),
            outcomesPerSecond: Math.round(outcomesPerSecond),
            importSeconds: Number(imported.seconds.toFixed(2)),
            roundTripMs: Number(roundTripMs.toFixed(2)),
            loadAverage: Number(load.toFixed(2)),
            rows: ROWS,
          },
          null,
          2,
        ) + '\n',
      );
    }
  } finally {
    await bus.drain().catch(() => undefined);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    if (process.env['BENCH_KEEP_DB']) console.log(`database kept: ${db.url}`);
    else await db.drop().catch(() => undefined);
    await deleteNamespaceStreams(natsUrl, namespace).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
