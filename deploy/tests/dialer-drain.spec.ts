import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chartDir } from './chart-files';

// The dialer's preStop hook (files/dialer-drain.js), run as Kubernetes runs it, against a
// stand-in HTTP endpoint that plays the dialer's drain API.

const hook = join(chartDir, 'files/dialer-drain.js');

interface Seen {
  method: string;
  url: string;
}

async function endpoint(
  answer: (seen: Seen, count: number) => { status: number; body?: unknown },
): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const request = { method: req.method ?? '', url: req.url ?? '' };
    seen.push(request);
    const { status, body } = answer(request, seen.length);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

function runHook(port: number, args: string[]): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [hook, ...args], {
      env: { ...process.env, ATS_HTTP_PORT: String(port) },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output, ms: Date.now() - started }));
  });
}

describe('files/dialer-drain.js (the dialer preStop hook)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server?.listening) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  });

  it('asks the dialer to drain, then waits until no call is live', async () => {
    const live = [2, 1, 0];
    const stand = await endpoint((seen) =>
      seen.method === 'POST' ? { status: 202 } : { status: 200, body: { liveCalls: live.shift() } },
    );
    server = stand.server;
    const result = await runHook(stand.port, ['/drain', '1']);
    expect(result.code).toBe(0);
    expect(stand.seen).toEqual([
      { method: 'POST', url: '/drain' },
      { method: 'GET', url: '/drain' },
      { method: 'GET', url: '/drain' },
      { method: 'GET', url: '/drain' },
    ]);
    expect(result.ms).toBeGreaterThanOrEqual(2000); // two polls a second apart while calls were live
    expect(result.output).toContain('no live call left');
  });

  it('ends at once when the dialer has no drain endpoint (the SIGTERM drain takes over)', async () => {
    const stand = await endpoint(() => ({ status: 404 }));
    server = stand.server;
    const result = await runHook(stand.port, ['/drain', '1']);
    expect(result.code).toBe(0);
    expect(stand.seen).toEqual([{ method: 'POST', url: '/drain' }]);
    expect(result.output).toContain('404');
  });

  it('ends at once when nothing listens', async () => {
    const stand = await endpoint(() => ({ status: 200 }));
    const port = stand.port;
    await new Promise<void>((resolve) => stand.server.close(() => resolve()));
    const result = await runHook(port, ['/drain', '1']);
    expect(result.code).toBe(0);
    expect(result.output).toContain('no answer');
  });
});
