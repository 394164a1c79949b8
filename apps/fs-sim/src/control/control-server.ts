import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Channel } from '../core/channel';
import type { SimNode } from '../sim-node';
import type { World } from '../world/world';

/** Stable error codes of the control API. */
export type ControlErrorCode =
  | 'NOT_FOUND'
  | 'CHANNEL_NOT_FOUND'
  | 'AGENT_NOT_FOUND'
  | 'NODE_NOT_FOUND'
  | 'SESSION_REFUSED'
  | 'BAD_REQUEST';

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (params: string[], body: Record<string, unknown>) => unknown | Promise<unknown>;

/**
 * The HTTP control interface: tests, the demo and the agent simulator act as the people
 * holding the phones (answer, hang up, press digits), and as the operator (restart a
 * node, cut its ESL port, read stats).
 */
export class ControlServer {
  private server: Server | undefined;
  private readonly routes: Array<[string, RegExp, Handler]> = [];

  constructor(
    private readonly nodes: SimNode[],
    private readonly world: World,
  ) {
    const r = (method: string, path: string, handler: Handler) =>
      this.routes.push([method, new RegExp(`^${path.replace(/:[a-z]+/g, '([^/]+)')}$`), handler]);
    r('GET', '/health', () => ({ status: 'ok' }));
    r('GET', '/stats', () => this.stats());
    r('GET', '/amd', () => ({ summary: this.world.amdTruth.summary(), calls: this.world.amdTruth.list() }));
    r('GET', '/nodes', () => this.nodes.map((n) => n.info()));
    r('GET', '/channels', () => this.allChannels().map(([node, ch]) => describe(node, ch)));
    r('GET', '/channels/:uuid', ([uuid]) => describe(...this.channel(uuid!)));
    r('POST', '/channels/:uuid/answer', ([uuid]) => {
      const [node, ch] = this.channel(uuid!);
      node.engine.answer(ch);
      return describe(node, ch);
    });
    r('POST', '/channels/:uuid/hangup', ([uuid], body) => {
      const [node, ch] = this.channel(uuid!);
      node.engine.remoteHangup(
        ch,
        typeof body['cause'] === 'string' ? body['cause'].toUpperCase() : undefined,
      );
      return { ok: true };
    });
    r('POST', '/channels/:uuid/dtmf', ([uuid], body) => {
      const [node, ch] = this.channel(uuid!);
      node.engine.receiveDtmf(ch, digits(body));
      return { ok: true };
    });
    r('GET', '/agents', () =>
      this.world
        .listAgents()
        .map((a) => ({ ...a, channels: this.agentChannels(a.ext).map(([n, c]) => describe(n, c)) })),
    );
    r('PUT', '/agents/:ext', ([ext], body) => this.world.upsertAgent({ ext: ext!, ...agentFields(body) }));
    r('POST', '/agents/:ext/register', ([ext], body) =>
      this.world.upsertAgent({ ext: ext!, ...agentFields(body), registered: true }),
    );
    r('POST', '/agents/:ext/unregister', ([ext]) => {
      if (!this.world.agent(ext!)) throw new ControlError(404, 'AGENT_NOT_FOUND', `agent ${ext} is unknown`);
      return this.world.upsertAgent({ ext: ext!, registered: false });
    });
    r('POST', '/agents/:ext/answer', ([ext]) => this.onAgentCall(ext!, (node, ch) => node.engine.answer(ch)));
    r('POST', '/agents/:ext/hangup', ([ext]) =>
      this.onAgentCall(ext!, (node, ch) => node.engine.remoteHangup(ch)),
    );
    r('POST', '/agents/:ext/dtmf', ([ext], body) =>
      this.onAgentCall(ext!, (node, ch) => node.engine.receiveDtmf(ch, digits(body))),
    );
    r('POST', '/nodes/:index/restart', async ([index], body) => {
      const node = this.node(index!);
      await node.restart(typeof body['downtimeMs'] === 'number' ? body['downtimeMs'] : 0);
      return node.info();
    });
    r('POST', '/nodes/:index/esl/cut', async ([index], body) => {
      const node = this.node(index!);
      await node.cutEsl(typeof body['durationMs'] === 'number' ? body['durationMs'] : undefined);
      return node.info();
    });
    r('POST', '/nodes/:index/esl/restore', async ([index]) => {
      const node = this.node(index!);
      await node.restoreEsl();
      return node.info();
    });
    r('POST', '/nodes/:index/calls', ([index], body) => {
      const node = this.node(index!);
      const from = body['from'];
      const to = body['to'];
      const uuid = body['uuid'];
      if (typeof from !== 'string' || !/^[^\s/@]+$/.test(from))
        throw new ControlError(400, 'BAD_REQUEST', 'body.from must be a caller number');
      if (typeof to !== 'string' || !/^[^\s/@]+$/.test(to))
        throw new ControlError(400, 'BAD_REQUEST', 'body.to must be an extension');
      if (uuid !== undefined && (typeof uuid !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(uuid)))
        throw new ControlError(400, 'BAD_REQUEST', 'body.uuid must be a uuid');
      const ch = node.engine.inboundCall(from, to, uuid);
      if ('cause' in ch) throw new ControlError(503, 'SESSION_REFUSED', `no new session: ${ch.cause}`);
      return describe(node, ch);
    });
    r('POST', '/nodes/:index/heartbeat', ([index]) => {
      this.node(index!).sw.fireHeartbeat();
      return { ok: true };
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer((req, res) => void this.serve(req, res));
      server.on('error', reject);
      server.listen(port, host, () => {
        this.server = server;
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readJson(req);
      const path = (req.url ?? '/').split('?')[0]!;
      for (const [method, pattern, handler] of this.routes) {
        const m = pattern.exec(path);
        if (m && method === req.method) {
          send(res, 200, await handler(m.slice(1).map(decodeURIComponent), body));
          return;
        }
      }
      throw new ControlError(404, 'NOT_FOUND', `no route ${req.method} ${path}`);
    } catch (error) {
      if (error instanceof ControlError)
        send(res, error.status, { error: { code: error.code, message: error.message } });
      else send(res, 400, { error: { code: 'BAD_REQUEST', message: (error as Error).message } });
    }
  }

  private stats(): unknown {
    const mem = process.memoryUsage();
    return {
      nodes: this.nodes.map((n) => n.info()),
      channels: this.nodes.reduce((sum, n) => sum + n.sw.channels.size, 0),
      rssMb: Math.round(mem.rss / 1048576),
      heapUsedMb: Math.round(mem.heapUsed / 1048576),
      amd: this.world.amdTruth.summary(),
    };
  }

  private node(index: string): SimNode {
    const node = this.nodes[Number(index)];
    if (!node) throw new ControlError(404, 'NODE_NOT_FOUND', `no node ${index}`);
    return node;
  }

  private allChannels(): Array<[SimNode, Channel]> {
    const out: Array<[SimNode, Channel]> = [];
    for (const node of this.nodes)
      for (const ch of node.sw.channels.values()) if (!ch.hungUp) out.push([node, ch]);
    return out;
  }

  private channel(uuid: string): [SimNode, Channel] {
    const found = this.allChannels().find(([, ch]) => ch.uuid === uuid);
    if (!found) throw new ControlError(404, 'CHANNEL_NOT_FOUND', `no live channel ${uuid}`);
    return found;
  }

  private agentChannels(ext: string): Array<[SimNode, Channel]> {
    return this.allChannels().filter(([, ch]) => ch.agentExt === ext);
  }

  private onAgentCall(ext: string, act: (node: SimNode, ch: Channel) => void): unknown {
    const calls = this.agentChannels(ext);
    if (calls.length === 0) throw new ControlError(404, 'CHANNEL_NOT_FOUND', `agent ${ext} has no live call`);
    for (const [node, ch] of calls) act(node, ch);
    return { ok: true, channels: calls.map(([, ch]) => ch.uuid) };
  }
}

function describe(node: SimNode, ch: Channel): Record<string, unknown> {
  return {
    node: node.index,
    uuid: ch.uuid,
    name: ch.name,
    role: ch.role,
    agentExt: ch.agentExt,
    number: ch.profile.destinationNumber,
    state: ch.state,
    callState: ch.callState,
    answerState: ch.answerState,
    bridgedTo: ch.bridgedTo?.uuid,
    application: ch.appStack[ch.appStack.length - 1]?.name,
  };
}

function digits(body: Record<string, unknown>): string {
  const d = body['digits'];
  if (typeof d !== 'string' || !/^[0-9*#A-D]+$/.test(d))
    throw new ControlError(400, 'BAD_REQUEST', 'body.digits must be DTMF digits');
  return d;
}

function agentFields(body: Record<string, unknown>): {
  registered?: boolean;
  autoAnswer?: boolean;
  answerDelayMs?: number;
} {
  const out: { registered?: boolean; autoAnswer?: boolean; answerDelayMs?: number } = {};
  if (typeof body['registered'] === 'boolean') out.registered = body['registered'];
  if (typeof body['autoAnswer'] === 'boolean') out.autoAnswer = body['autoAnswer'];
  if (typeof body['answerDelayMs'] === 'number') out.answerDelayMs = body['answerDelayMs'];
  return out;
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 1_000_000) reject(new ControlError(400, 'BAD_REQUEST', 'body too large'));
    });
    req.on('end', () => {
      if (!text.trim()) return resolve({});
      try {
        const parsed: unknown = JSON.parse(text);
        resolve(parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {});
      } catch {
        reject(new ControlError(400, 'BAD_REQUEST', 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload ?? {});
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
