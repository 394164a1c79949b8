import { randomUUID } from 'node:crypto';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { restClient, type Caller } from './gateway-app';
import { SERVICES } from './stack';

export const ADMIN = { email: 'admin@example.test', password: 'first-admin-password' };

/** campaign-service, agent-service and the gateway in one namespace and database. */
export async function startGatewayStack(): Promise<StackUnderTest> {
  return startStackForTest([SERVICES.campaign, SERVICES.agent, SERVICES.gateway], {
    ATS_ADMIN_EMAIL: ADMIN.email,
    ATS_ADMIN_PASSWORD: ADMIN.password,
    ATS_TOKEN_SECRET: 'e2e-secret-long-enough-for-hmac-signing',
    ATS_GRPC_PORT: '0',
  });
}

export type Api = ReturnType<typeof restClient>;

export function gatewayApi(stack: StackUnderTest): Api {
  return restClient(`http://127.0.0.1:${stack.services.gateway!.httpPort}`);
}

export async function login(api: Api, email: string, password: string): Promise<Caller> {
  const response = await api('POST', '/api/v1/auth/login', { body: { email, password } });
  if (response.status !== 200)
    throw new Error(`login ${email}: ${response.status} ${JSON.stringify(response.body)}`);
  return { token: response.body.token };
}

/** A person of the given role (an agent linked to `agentId`), signed in. */
export async function personOf(api: Api, admin: Caller, role: string, agentId?: string): Promise<Caller> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const password = 'a-long-enough-password';
  const created = await api('POST', '/api/v1/users', { as: admin, body: { email, password, role, agentId } });
  if (created.status !== 201) throw new Error(`create ${role}: ${JSON.stringify(created.body)}`);
  return login(api, email, password);
}

export async function apiKeyOf(api: Api, admin: Caller, role: 'admin' | 'supervisor'): Promise<Caller> {
  const created = await api('POST', '/api/v1/api-keys', { as: admin, body: { name: `crm-${role}`, role } });
  return { apiKey: created.body.key as string };
}

/** Calling hours that never close, so leasing does not depend on when the test runs. */
export const ALWAYS_OPEN = {
  timeZone: 'Asia/Ho_Chi_Minh',
  timeZonePolicy: 'campaign',
  windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' }],
};

export interface GeneratedList {
  csv: Buffer;
  rows: number;
  accepted: number;
  merged: number;
  rejects: Array<{ line: number; code: string }>;
}

/**
 * A CSV of `rows` data rows with planted faults, and the exact report it must produce:
 * every 500th row has a number that is not one (PHONE_INVALID), every 1000th (+3) has
 * none (PHONE_MISSING), every 250th (+7) repeats the previous row's number (merged).
 * A long note column makes the file larger than one import chunk.
 */
export function generateList(rows: number, salt: number): GeneratedList {
  const lines = ['phone,name,city,note'];
  const rejects: GeneratedList['rejects'] = [];
  let merged = 0;
  const phoneOf = (i: number) => `09${salt}${String(i).padStart(7, '0')}`;
  for (let i = 0; i < rows; i++) {
    const line = i + 2; // the header is line 1
    let phone = phoneOf(i);
    if (i % 500 === 0) {
      phone = 'not-a-number';
      rejects.push({ line, code: 'PHONE_INVALID' });
    } else if (i % 1000 === 3) {
      phone = '';
      rejects.push({ line, code: 'PHONE_MISSING' });
    } else if (i % 250 === 7) {
      phone = phoneOf(i - 1);
      merged += 1;
    }
    lines.push(`${phone},Customer ${i},Hà Nội,${'lorem ipsum '.repeat(6)}${i}`);
  }
  return {
    csv: Buffer.from(`${lines.join('\n')}\n`),
    rows,
    accepted: rows - merged - rejects.length,
    merged,
    rejects,
  };
}
