import { readiness } from './health.service';

describe('readiness', () => {
  it('is ready when every ungrouped dependency is up', () => {
    expect(
      readiness([
        { name: 'nats', ok: true },
        { name: 'postgres', ok: true },
      ]),
    ).toEqual({ ready: true, down: [] });
  });

  it('names each ungrouped dependency that is down', () => {
    expect(
      readiness([
        { name: 'nats', ok: false },
        { name: 'postgres', ok: true },
        { name: 'draining', ok: false },
      ]),
    ).toEqual({ ready: false, down: ['nats', 'draining'] });
  });

  it('needs only one member of a group: one FreeSWITCH node of two is enough', () => {
    const nodes = (a: boolean, b: boolean) => [
      { name: 'nats', ok: true },
      { name: 'freeswitch:fs1', ok: a, group: 'freeswitch' },
      { name: 'freeswitch:fs2', ok: b, group: 'freeswitch' },
    ];
    expect(readiness(nodes(false, true))).toEqual({ ready: true, down: [] });
    expect(readiness(nodes(false, false))).toEqual({ ready: false, down: ['freeswitch'] });
  });
});
