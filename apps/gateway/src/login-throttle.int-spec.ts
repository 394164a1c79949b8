import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { waitFor } from '@autotelesale/testing';
import { restClient, type Caller } from '../test/http-client';
import { AppModule, SERVICE_OPTIONS } from './app.module';

const ADMIN = { email: 'root@example.test', password: 'first-admin-password' };
const PASSWORD = 'a-long-enough-password';

let gateway: ServiceUnderTest;
let api: ReturnType<typeof restClient>;
let admin: Caller;

/** A sign-in as seen from `address` (the gateway trusts X-Forwarded-For from loopback here). */
function signIn(email: string, password: string, address: string) {
  return api('POST', '/api/v1/auth/login', {
    body: { email, password },
    headers: { 'x-forwarded-for': address },
  });
}

let nextAddress = 1;
/** A client address no other test uses, so the per-address limit stays out of the way. */
const freshAddress = () => `198.51.100.${nextAddress++}`;

async function createSupervisor(): Promise<string> {
  const email = `sup-${randomUUID().slice(0, 8)}@example.test`;
  const response = await api('POST', '/api/v1/users', {
    as: admin,
    body: { email, password: PASSWORD, role: 'supervisor' },
  });
  expect(response.status).toBe(201);
  return email;
}

async function throttleRows(): Promise<Array<{ key: string; failures: number }>> {
  const client = new Client({ connectionString: gateway.db!.url });
  await client.connect();
  try {
    return (await client.query('SELECT key, failures FROM gateway.login_throttle')).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  gateway = await startServiceForTest(AppModule, SERVICE_OPTIONS, {
    env: {
      ATS_ADMIN_EMAIL: ADMIN.email,
      ATS_ADMIN_PASSWORD: ADMIN.password,
      ATS_TOKEN_SECRET: 'a-test-secret-that-is-long-enough-to-sign',
      ATS_GRPC_PORT: '0',
      ATS_LOGIN_MAX_FAILURES: '3',
      ATS_LOGIN_IP_MAX_FAILURES: '6',
      ATS_LOGIN_LOCK_SECONDS: '2',
      ATS_HTTP_TRUST_PROXY: 'loopback',
    },
  });
  api = restClient(`http://127.0.0.1:${gateway.httpPort}`);
  const response = await signIn(ADMIN.email, ADMIN.password, freshAddress());
  expect(response.status).toBe(200);
  admin = { token: response.body.token };
});

afterAll(async () => {
  await gateway?.stop();
});

describe('login throttling', () => {
  it('locks an account after the max failures, even against the right password, then opens it again', async () => {
    const email = await createSupervisor();
    for (let i = 0; i < 3; i += 1) {
      expect((await signIn(email, 'wrong-password', freshAddress())).status).toBe(401);
    }
    const locked = await signIn(email, PASSWORD, freshAddress());
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);

    // Another account from the same address is not affected.
    const other = await createSupervisor();
    expect((await signIn(other, PASSWORD, freshAddress())).status).toBe(200);

    const opened = await waitFor(
      async () => {
        const response = await signIn(email, PASSWORD, freshAddress());
        return response.status === 200 ? response : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    expect(opened.body.token).toEqual(expect.any(String));
    // The success forgot the failures: two more wrong passwords do not lock it.
    expect((await signIn(email, 'wrong-password', freshAddress())).status).toBe(401);
    expect((await signIn(email, 'wrong-password', freshAddress())).status).toBe(401);
    expect((await signIn(email, PASSWORD, freshAddress())).status).toBe(200);
  });

  it('counts an unknown email like a known one, so the lock tells nothing about who exists', async () => {
    const nobody = `nobody-${randomUUID().slice(0, 8)}@example.test`;
    const replies = [];
    for (let i = 0; i < 4; i += 1) replies.push(await signIn(nobody, 'guess', freshAddress()));
    expect(replies.map((reply) => reply.status)).toEqual([401, 401, 401, 429]);
    // The account key is a hash: the guessed email is not stored.
    expect((await throttleRows()).map((row) => row.key).join(' ')).not.toContain('nobody');
  });

  it('counts every one of many concurrent failures', async () => {
    const email = await createSupervisor();
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => signIn(email, 'wrong-password', freshAddress())),
    );
    // Each either failed (401) or met the lock another one set (429); none got in.
    expect(replies.every((reply) => reply.status === 401 || reply.status === 429)).toBe(true);
    const counted = replies.filter((reply) => reply.status === 401).length;
    const rows = await throttleRows();
    const accountRows = rows.filter((row) => row.key.startsWith('account:'));
    expect(accountRows.some((row) => row.failures === counted)).toBe(true);
    expect(counted).toBeGreaterThanOrEqual(3);
    expect((await signIn(email, PASSWORD, freshAddress())).status).toBe(429);
  });

  it('locks a client address that fails across many accounts, and only that address', async () => {
    const address = freshAddress();
    for (let i = 0; i < 6; i += 1) {
      const email = `spray-${i}-${randomUUID().slice(0, 8)}@example.test`;
      expect((await signIn(email, 'password123', address)).status).toBe(401);
    }
    const victim = await createSupervisor();
    const fromSprayer = await signIn(victim, PASSWORD, address);
    expect(fromSprayer.status).toBe(429);
    expect(fromSprayer.body.code).toBe('RATE_LIMITED');
    expect((await signIn(victim, PASSWORD, freshAddress())).status).toBe(200);
  });
});
