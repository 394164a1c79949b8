/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies loosely */

/** A small client of the gateway's REST API for tests: JSON in, status + JSON out. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Caller {
  token?: string;
  apiKey?: string;
}

export function restClient(baseUrl: string) {
  return async function api<T = any>(
    method: string,
    path: string,
    options: {
      as?: Caller;
      body?: unknown;
      rawBody?: string | Buffer;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as?.token) headers['authorization'] = `Bearer ${options.as.token}`;
    if (options.as?.apiKey) headers['x-api-key'] = options.as.apiKey;
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
}
