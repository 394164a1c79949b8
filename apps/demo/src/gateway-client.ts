/**
 * The demo's only way into AutoTelesale: the gateway's REST API (`/api/v1`), as a CRM or
 * an agent desktop would use it. Every failure names the request and the error body.
 */
export interface Caller {
  token: string;
}

export class GatewayError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

export class GatewayClient {
  constructor(readonly baseUrl: string) {}

  async request<T>(
    method: string,
    path: string,
    options: { as?: Caller; body?: unknown; raw?: string; contentType?: string; timeoutMs?: number } = {},
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.as) headers['authorization'] = `Bearer ${options.as.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    if (!response.ok) throw new GatewayError(method, path, response.status, parsed);
    return parsed as T;
  }

  async login(email: string, password: string): Promise<Caller> {
    const reply = await this.request<{ token: string }>('POST', '/api/v1/auth/login', {
      body: { email, password },
    });
    return { token: reply.token };
  }
}
