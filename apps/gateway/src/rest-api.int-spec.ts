import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { expectEventually } from '@autotelesale/testing';
import { restClient, type Caller } from '../test/http-client';
import { AppModule, SERVICE_OPTIONS } from './app.module';
import { requestHash } from './http/idempotency.interceptor';
import { IdempotencyStore } from './http/idempotency.store';

const ADMIN = { email: 'root@example.test', password: 'first-admin-password' };

let gateway: ServiceUnderTest;
let api: ReturnType<typeof restClient>;
let admin: Caller;

async function login(email: string, password: string): Promise<Caller> {
  const response = await api('POST', '/api/v1/auth/login', { body: { email, password } });
  expect(response.status).toBe(200);
  return { token: response.body.token };
}

async function createUser(role: string, extra: Record<string, unknown> = {}) {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const password = 'a-long-enough-password';
  const response = await api('POST', '/api/v1/users', {
    as: admin,
    body: { email, password, role, ...extra },
  });
  expect(response.status).toBe(201);
  return { user: response.body, caller: await login(email, password), email, password };
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: gateway.db!.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
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
    },
  });
  api = restClient(`http://127.0.0.1:${gateway.httpPort}`);
  admin = await login(ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await gateway?.stop();
});

describe('people and sessions', () => {
  it('creates the first admin from the environment, with the password stored only as a scrypt hash', async () => {
    const me = await api('GET', '/api/v1/auth/me', { as: admin });
    expect(me.body).toMatchObject({ email: ADMIN.email, role: 'admin', agentId: null });
    const [row] = await query<{ password_hash: string }>(
      'SELECT password_hash FROM gateway.app_user WHERE email = $1',
      [ADMIN.email],
    );
    expect(row!.password_hash).toMatch(/^scrypt\$/);
    expect(row!.password_hash).not.toContain(ADMIN.password);
  });

  it('answers a wrong password and an unknown email the same way, with a typed 401', async () => {
    const wrong = await api('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: 'nope' } });
    const unknown = await api('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.test', password: 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 'UNAUTHENTICATED', message: 'wrong email or password' });
    expect(unknown.body).toEqual(wrong.body);
  });

  it.each([
    ['no credentials', {}],
    ['a garbled token', { authorization: 'Bearer nonsense' }],
    ['an unknown API key', { 'x-api-key': `ats_${'0'.repeat(16)}_${'A'.repeat(43)}` }],
  ])('refuses %s with 401 on a protected route', async (_label, headers) => {
    const response = await api('GET', '/api/v1/campaigns', { headers });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token whose claims were changed (signature no longer matches)', async () => {
    const agent = await createUser('agent', { agentId: randomUUID() });
    const [prefix, body, signature] = agent.caller.token!.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    const response = await api('GET', '/api/v1/users', { as: { token: `${prefix}.${forged}.${signature}` } });
    expect(response.status).toBe(401);
  });

  it('cuts a disabled account off at once, before its token expires', async () => {
    const supervisor = await createUser('supervisor');
    expect((await api('GET', '/api/v1/auth/me', { as: supervisor.caller })).status).toBe(200);
    await api('POST', `/api/v1/users/${supervisor.user.id}/disable`, { as: admin });
    expect((await api('GET', '/api/v1/auth/me', { as: supervisor.caller })).status).toBe(401);
    const again = await api('POST', '/api/v1/auth/login', {
      body: { email: supervisor.email, password: supervisor.password },
    });
    expect(again.status).toBe(401);
  });

  it('requires an agent account to name its agent, and only an agent account', async () => {
    const noAgent = await api('POST', '/api/v1/users', {
      as: admin,
      body: { email: 'x@example.test', password: 'a-long-enough-password', role: 'agent' },
    });
    expect(noAgent.status).toBe(400);
    expect(noAgent.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'agentId' }] });
  });
});

describe('roles', () => {
  it('lets only admins manage users and keys', async () => {
    const supervisor = await createUser('supervisor');
    const agent = await createUser('agent', { agentId: randomUUID() });
    for (const caller of [supervisor.caller, agent.caller]) {
      const users = await api('GET', '/api/v1/users', { as: caller });
      expect(users.status).toBe(403);
      expect(users.body.code).toBe('FORBIDDEN');
      const keys = await api('POST', '/api/v1/api-keys', { as: caller, body: { name: 'x', role: 'admin' } });
      expect(keys.status).toBe(403);
    }
  });

  it('keeps agents out of supervisor routes (campaign creation, contacts, imports)', async () => {
    const agent = await createUser('agent', { agentId: randomUUID() });
    const id = randomUUID();
    for (const [method, path] of [
      ['POST', '/api/v1/campaigns'],
      ['GET', `/api/v1/campaigns/${id}/contacts`],
      ['POST', `/api/v1/lists/${id}/imports`],
      ['POST', `/api/v1/campaigns/${id}/leases`],
      ['POST', '/api/v1/reservations'],
    ] as const) {
      const response = await api(method, path, { as: agent.caller, body: method === 'GET' ? undefined : {} });
      expect([path, response.status]).toEqual([path, 403]);
    }
  });

  it("answers NOT_FOUND when an agent reaches for another agent's session, and lets it reach its own", async () => {
    const ownId = randomUUID();
    const agent = await createUser('agent', { agentId: ownId });
    const other = await api('POST', `/api/v1/agents/${randomUUID()}/ready`, { as: agent.caller, body: {} });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NOT_FOUND');
    // Its own goes through to agent-service, which does not run here: UNAVAILABLE, not refused.
    const own = await api('POST', `/api/v1/agents/${ownId}/ready`, { as: agent.caller, body: {} });
    expect(own.status).toBe(503);
    expect(own.body.code).toBe('UNAVAILABLE');
  });

  it('refuses an agent a disposition recorded in another agent’s name', async () => {
    const agent = await createUser('agent', { agentId: randomUUID() });
    const response = await api('POST', '/api/v1/dispositions', {
      as: agent.caller,
      body: {
        campaignId: randomUUID(),
        contactId: randomUUID(),
        callId: 'call-1',
        agentId: 'someone-else',
        code: 'SALE',
      },
    });
    expect(response.status).toBe(404);
  });
});

describe('API keys', () => {
  it('shows a key once, stores only its hash, and stops it when revoked', async () => {
    const created = await api('POST', '/api/v1/api-keys', {
      as: admin,
      body: { name: 'crm', role: 'supervisor' },
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^ats_[0-9a-f]{16}_/);
    // The secret is base64url: it may hold '_' itself.
    const secret = key.replace(/^ats_[0-9a-f]{16}_/, '');
    expect(secret).toHaveLength(43);
    const rows = await query<Record<string, unknown>>('SELECT * FROM gateway.api_key WHERE id = $1', [
      created.body.id,
    ]);
    expect(JSON.stringify(rows)).not.toContain(secret);

    const system = { apiKey: key };
    expect((await api('GET', '/api/v1/auth/me', { as: system })).body).toMatchObject({
      kind: 'apiKey',
      role: 'supervisor',
    });
    expect((await api('GET', '/api/v1/users', { as: system })).status).toBe(403);

    const listed = await api('GET', '/api/v1/api-keys', { as: admin });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    // Admins see when a key was last used (recorded in the background).
    await expectEventually(async () => {
      const keys = (await api('GET', '/api/v1/api-keys', { as: admin })).body.items;
      expect(keys.find((k: { id: string }) => k.id === created.body.id).lastUsedAt).toEqual(
        expect.any(String),
      );
    });

    await api('POST', `/api/v1/api-keys/${created.body.id}/revoke`, { as: admin });
    expect((await api('GET', '/api/v1/auth/me', { as: system })).status).toBe(401);
  });

  it('gives no API key the agent role', async () => {
    const response = await api('POST', '/api/v1/api-keys', { as: admin, body: { name: 'x', role: 'agent' } });
    expect(response.status).toBe(400);
  });
});

describe('errors, validation and pagination', () => {
  it('answers a body that is not JSON with a typed 400', async () => {
    const response = await api('POST', '/api/v1/users', {
      as: admin,
      rawBody: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers an unknown route with a typed 404', async () => {
    const response = await api('GET', '/api/v1/nothing-here', { as: admin });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('NOT_FOUND');
  });

  it('names each bad field, and refuses a bad path id before asking any service', async () => {
    const response = await api('POST', '/api/v1/campaigns', {
      as: admin,
      body: { name: '', mode: 'telepathic' },
    });
    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['mode', 'name']);
    const badId = await api('GET', '/api/v1/campaigns/not-a-uuid', { as: admin });
    expect(badId.status).toBe(400);
    expect(badId.body.details).toEqual([expect.objectContaining({ path: '' })]);
  });

  it('maps a service that does not answer to 503 UNAVAILABLE', async () => {
    const response = await api('GET', '/api/v1/campaigns', { as: admin });
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('pages through users with an opaque cursor, each exactly once', async () => {
    for (let i = 0; i < 3; i++) await createUser('supervisor');
    const all = (await api('GET', '/api/v1/users?limit=500', { as: admin })).body.items.map(
      (u: { id: string }) => u.id,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await api(
        'GET',
        `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { as: admin },
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((u) => u.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect((await api('GET', '/api/v1/users?cursor=%%%', { as: admin })).status).toBe(400);
  });
});

describe('idempotency keys', () => {
  const body = () => ({
    email: `idem-${randomUUID().slice(0, 8)}@example.test`,
    password: 'a-long-password',
    role: 'supervisor',
  });

  it('replays the first response for the same key and body, and refuses the key with another body', async () => {
    const key = randomUUID();
    const first = body();
    const a = await api('POST', '/api/v1/users', {
      as: admin,
      body: first,
      headers: { 'idempotency-key': key },
    });
    const b = await api('POST', '/api/v1/users', {
      as: admin,
      body: first,
      headers: { 'idempotency-key': key },
    });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const [{ count }] = (await query<{ count: string }>(
      'SELECT count(*) FROM gateway.app_user WHERE email = $1',
      [first.email],
    )) as [{ count: string }];
    expect(count).toBe('1');

    const other = await api('POST', '/api/v1/users', {
      as: admin,
      body: body(),
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('CONFLICT');
  });

  it('creates once when the same key arrives many times at once', async () => {
    const key = randomUUID();
    const same = body();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        api('POST', '/api/v1/users', { as: admin, body: same, headers: { 'idempotency-key': key } }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    // The others either replayed the same user or were told the first is still in progress.
    for (const r of responses) expect([201, 409]).toContain(r.status);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    const rows = await query('SELECT 1 FROM gateway.app_user WHERE email = $1', [same.email]);
    expect(rows).toHaveLength(1);
  });

  it('takes over a key whose first request died unanswered, but not one still running', async () => {
    const me = (await api('GET', '/api/v1/auth/me', { as: admin })).body;
    const key = randomUUID();
    const first = body();
    // What a gateway that crashed mid-request leaves behind: a claim with no response.
    await query('INSERT INTO gateway.idempotency_key (principal, key, request_hash) VALUES ($1, $2, $3)', [
      `user:${me.id}`,
      key,
      requestHash('POST', '/api/v1/users', first),
    ]);
    const running = await api('POST', '/api/v1/users', {
      as: admin,
      body: first,
      headers: { 'idempotency-key': key },
    });
    expect(running.status).toBe(409);
    expect(running.body.message).toMatch(/still in progress/);

    await query(
      "UPDATE gateway.idempotency_key SET created_at = now() - interval '10 minutes' WHERE key = $1",
      [key],
    );
    const retried = await api('POST', '/api/v1/users', {
      as: admin,
      body: first,
      headers: { 'idempotency-key': key },
    });
    expect(retried.status).toBe(201);
    const replayed = await api('POST', '/api/v1/users', {
      as: admin,
      body: first,
      headers: { 'idempotency-key': key },
    });
    expect(replayed.body.id).toBe(retried.body.id);
  });

  it('forgets keys after a day', async () => {
    const key = randomUUID();
    await api('POST', '/api/v1/users', { as: admin, body: body(), headers: { 'idempotency-key': key } });
    const purged = await gateway.app.get(IdempotencyStore).purgeExpired(Date.now() + 25 * 3_600_000);
    expect(purged).toBeGreaterThanOrEqual(1);
    const reused = await api('POST', '/api/v1/users', {
      as: admin,
      body: body(),
      headers: { 'idempotency-key': key },
    });
    expect(reused.status).toBe(201);
  });

  it('lets a failed request be retried with the same key', async () => {
    const key = randomUUID();
    const bad = await api('POST', '/api/v1/users', {
      as: admin,
      body: { ...body(), email: ADMIN.email },
      headers: { 'idempotency-key': key },
    });
    expect(bad.status).toBe(409);
    const good = await api('POST', '/api/v1/users', {
      as: admin,
      body: body(),
      headers: { 'idempotency-key': key },
    });
    expect(good.status).toBe(201);
  });
});

describe('public routes', () => {
  it('serves probes, metrics and the OpenAPI document without credentials', async () => {
    expect((await api('GET', '/health/live')).status).toBe(200);
    expect((await api('GET', '/metrics')).status).toBe(200);
    const docs = await api('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/campaigns',
        '/api/v1/lists/{listId}/imports',
        '/api/v1/agents/{agentId}/ready',
        '/api/v1/dispositions',
        '/api/v1/callbacks',
      ]),
    );
    expect(
      docs.body.paths['/api/v1/campaigns'].post.requestBody.content['application/json'].schema,
    ).toMatchObject({
      required: expect.arrayContaining(['name', 'mode']),
    });
    expect(docs.body.components.securitySchemes).toHaveProperty('api-key');
    // Refusals are documented with the typed error body.
    expect(
      docs.body.paths['/api/v1/campaigns'].post.responses['403'].content['application/json'].schema
        .properties,
    ).toHaveProperty('code');
    const ui = await api('GET', '/api/docs');
    expect(ui.status).toBe(200);
    expect(String(ui.body)).toContain('swagger');
  });

  it('counts requests by route template and status, never by id', async () => {
    await api('GET', `/api/v1/agents/${randomUUID()}/status`, {});
    const metrics = String((await api('GET', '/metrics')).body);
    const lines = metrics
      .split('\n')
      .filter((l) => l.startsWith('autotelesale_gateway_http_requests_total{'));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /route="\/api\/v1\/auth\/login".*status="401"|status="401".*route="\/api\/v1\/auth\/login"/,
        ),
        expect.stringMatching(/route="\/api\/v1\/agents\/:agentId\/status"/),
      ]),
    );
    expect(lines.filter((l) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(l))).toEqual([]);
  });
});
