import { connect } from 'node:net';
import { startFsSimProcess, FsSimProcessError, type FsSimProcess } from './fs-sim-process';
import { waitFor } from './wait-for';

/** Reads one ESL exchange: the auth/request greeting, then the reply to `auth <pw>`. */
function authReply(port: number, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d: Buffer) => {
      data += d.toString();
      if (data === 'Content-Type: auth/request\n\n') socket.write(`auth ${password}\n\n`);
      const reply = /Reply-Text: ([^\n]*)\n/.exec(data);
      if (reply) {
        socket.destroy();
        resolve(reply[1]!);
      }
    });
    socket.on('error', reject);
  });
}

describe('startFsSimProcess', () => {
  let sim: FsSimProcess;
  afterAll(() => sim?.stop());

  it('runs the built fs-sim with two nodes, a scenario object and the control API', async () => {
    sim = await startFsSimProcess({
      nodes: 2,
      password: 'helper-pw',
      scenario: { agents: [{ ext: '2001' }] },
      timeScale: 0.01,
      sps: 77,
    });
    expect(sim.nodes.map((n) => n.hostname)).toEqual(['fs-sim-1', 'fs-sim-2']);
    expect(new Set(sim.nodes.map((n) => n.coreUuid)).size).toBe(2);
    expect(sim.nodesEnv).toBe(
      `fs1=127.0.0.1:${sim.eslPorts[0]}:helper-pw,fs2=127.0.0.1:${sim.eslPorts[1]}:helper-pw`,
    );
    expect(await authReply(sim.eslPorts[1]!, 'helper-pw')).toBe('+OK accepted');
    expect(await sim.get('/agents')).toEqual(
      expect.arrayContaining([expect.objectContaining({ ext: '2001' })]),
    );
    const nodes = (await sim.get('/nodes')) as Array<{ coreUuid: string; sessionsPerSecond: number }>;
    expect(nodes.map((n) => n.coreUuid)).toEqual(sim.nodes.map((n) => n.coreUuid));
    expect(nodes[0]!.sessionsPerSecond).toBe(77);
  });

  it('turns a control API refusal into an error, and stop() ends the process', async () => {
    await expect(sim.control('/nodes/9/restart')).rejects.toThrow(/404/);
    const pid = sim.pid;
    await sim.stop();
    await waitFor(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      { description: 'the fs-sim process to be gone' },
    );
  });

  it('refuses a bad option before spawning anything', async () => {
    await expect(startFsSimProcess({ nodes: 0 })).rejects.toBeInstanceOf(FsSimProcessError);
    await expect(startFsSimProcess({ timeScale: -1 })).rejects.toThrow(/--time-scale/);
  });

  it('reports a simulator that refuses its arguments with its own message', async () => {
    await expect(startFsSimProcess({ extraArgs: ['--bogus', '1'] })).rejects.toThrow(
      /unknown option --bogus/,
    );
  });
});
