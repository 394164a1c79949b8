import { join } from 'node:path';
import { Inject, Module } from '@nestjs/common';
import { Client, type Pool } from 'pg';
import { healthRpc } from '@autotelesale/contracts';
import { PG_POOL, ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { waitFor } from '@autotelesale/testing';
import { startServiceForTest, type ServiceUnderTest } from './service-harness';

const OPTIONS: ServiceKitOptions = {
  service: 'reporting',
  database: { schema: 'kit_probe', migrationsDir: join(__dirname, 'fixtures', 'migrations') },
};

class PoolHolder {
  constructor(@Inject(PG_POOL) readonly pool: Pool) {}
}

@Module({ imports: [ServiceKitModule.forRoot(OPTIONS)], providers: [PoolHolder] })
class ProbeModule {}

let service: ServiceUnderTest;
let pool: Pool;

beforeAll(async () => {
  service = await startServiceForTest(ProbeModule, OPTIONS);
  pool = service.app.get(PoolHolder).pool;
});

afterAll(async () => {
  await service?.stop();
});

it('resolves unqualified table names in the service schema', async () => {
  const { rows } = await pool.query<{ note: string }>('SELECT note FROM probe WHERE id = 1');
  expect(rows).toEqual([{ note: 'in the service schema' }]);
});

it('survives its PostgreSQL connections being killed, and serves the next query', async () => {
  await pool.query('SELECT 1'); // at least one idle client in the pool
  const admin = new Client({ connectionString: service.db!.url });
  await admin.connect();
  try {
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    expect(killed.rowCount).toBeGreaterThan(0);
  } finally {
    await admin.end();
  }
  // The process is still here (an unhandled pool error would have crashed jest's worker),
  // and the service recovers on its own.
  await waitFor(async () => (await pool.query('SELECT count(*)::int AS n FROM probe')).rows[0].n === 1, {
    description: 'a query after the connections were killed',
  });
  const health = await service.bus.request(healthRpc('reporting'), {});
  expect(health.dependencies.find((d) => d.name === 'postgres')).toMatchObject({ ok: true });
});
