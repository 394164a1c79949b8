import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import { createTestDatabase, startPrivateNats, startPrivatePostgres, tcpReachable } from './infra';

/**
 * When no server answers on the usual ports, tests start private ones. These tests run
 * that path for real: a nats-server with JetStream and an initdb cluster of their own.
 */
describe('private servers for tests', () => {
  it('starts a nats-server with JetStream, and stops it', async () => {
    const nats = await startPrivateNats();
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const stream = await jsm.streams.add({ name: 'PRIVATE_CHECK', subjects: ['private.check'] });
    expect(stream.config.name).toBe('PRIVATE_CHECK');
    await nc.close();
    await nats.stop();
    const { port } = new URL(nats.url);
    expect(await tcpReachable('127.0.0.1', Number(port))).toBe(false);
  });

  it('starts a PostgreSQL cluster, makes and drops a test database in it, and stops it', async () => {
    const pg = await startPrivatePostgres();
    const db = await createTestDatabase('ats_private', pg.url);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    expect(rows[0]!.db).toBe(db.name);
    await client.end();
    await db.drop();
    await pg.stop();
    const { port } = new URL(pg.url);
    expect(await tcpReachable('127.0.0.1', Number(port))).toBe(false);
  }, 60_000);
});
