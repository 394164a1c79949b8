import { Writable } from 'node:stream';
import { AtsError } from '@autotelesale/contracts';
import { createLogger, type CreateLoggerOptions } from './create-logger';
import { TelemetryError } from '../telemetry.errors';

function capture(overrides: Partial<CreateLoggerOptions> = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ service: 'dialer-service', level: 'trace', destination, ...overrides });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createLogger', () => {
  const savedLevel = process.env['LOG_LEVEL'];
  afterEach(() => {
    if (savedLevel === undefined) delete process.env['LOG_LEVEL'];
    else process.env['LOG_LEVEL'] = savedLevel;
  });

  it('writes JSON lines with service, instanceId, level word and message', () => {
    const { logger, records } = capture();
    logger.info({ campaignId: 'c-1', durationMs: 12000 }, 'call answered');
    const [record] = records();
    expect(record).toMatchObject({
      level: 'info',
      service: 'dialer-service',
      msg: 'call answered',
      campaignId: 'c-1',
      durationMs: 12000,
    });
    expect(typeof record!['instanceId']).toBe('string');
    expect(typeof record!['time']).toBe('number');
  });

  it('masks phone numbers in the message, interpolation, fields at any depth and bindings', () => {
    const { logger, lines, records } = capture();
    const child = logger.child({ customer: '+84961166133' });
    child.info(
      {
        to: '0961 166 133',
        leg: { dialString: 'sofia/gateway/carrier/0961166133', vars: [{ cid: '(028) 3822 1234' }] },
        callId: '550e8400-e29b-41d4-a716-446655440000',
        at: '2026-11-23T08:12:19.123Z',
        fsNode: '10.0.0.5:8021',
        version: '0.223.0',
        retryAfterMs: 12000000,
      },
      'dialing %s via %s',
      '0961166133',
      'carrier',
    );
    child.warn('customer 0912-345-678 asked for a call-back');
    child.info('payload %o and %j', { to: '0961166133' }, { to: '+84 961 166 133' });
    const text = lines.join('\n');
    expect(text).not.toMatch(/0961166133|0961 166 133|84961166133|3822 1234|0912-345-678/);
    const [first, second, third] = records();
    expect(third!['msg']).toBe(`payload {"to":"*******133"} and {"to":"+** *** *** 133"}`);
    expect(first).toMatchObject({
      customer: '+********133',
      msg: 'dialing *******133 via carrier',
      to: '**** *** 133',
      leg: { dialString: 'sofia/gateway/carrier/*******133', vars: [{ cid: '(***) **** *234' }] },
      callId: '550e8400-e29b-41d4-a716-446655440000',
      at: '2026-11-23T08:12:19.123Z',
      fsNode: '10.0.0.5:8021',
      version: '0.223.0',
      retryAfterMs: 12000000,
    });
    expect(second!['msg']).toBe('customer ****-***-678 asked for a call-back');
  });

  it('masks the bindings of grandchildren, setBindings and msgPrefix', () => {
    const { logger, lines } = capture();
    const grandchild = logger
      .child({ a: 'ok' })
      .child({ callee: '0961166133' }, { msgPrefix: '[0912345678] ' });
    grandchild.setBindings({ caller: '02838221234' });
    grandchild.info('hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/0961166133|0912345678|02838221234/);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      a: 'ok',
      callee: '*******133',
      caller: '********234',
      msg: '[*******678] hello',
    });
  });

  it('masks error messages, stacks and details, whether logged alone or under err', () => {
    const { logger, lines, records } = capture();
    const error = new AtsError('UNAVAILABLE', 'originate to 0961166133 failed', { to: '+84961166133' });
    logger.error(error);
    logger.error({ err: new Error('busy: 0912345678') }, 'dial failed');
    expect(lines.join('\n')).not.toMatch(/0961166133|84961166133|0912345678/);
    const [alone, nested] = records();
    expect(alone).toMatchObject({
      msg: 'originate to *******133 failed',
      err: {
        type: 'AtsError',
        code: 'UNAVAILABLE',
        message: 'originate to *******133 failed',
        details: { to: '+********133' },
      },
    });
    expect((alone!['err'] as { stack: string }).stack).toContain('originate to *******133 failed');
    expect(nested).toMatchObject({ msg: 'dial failed', err: { type: 'Error', message: 'busy: *******678' } });
  });

  it('takes the level from LOG_LEVEL, defaulting to info', () => {
    delete process.env['LOG_LEVEL'];
    expect(capture({ level: undefined }).logger.level).toBe('info');
    process.env['LOG_LEVEL'] = 'debug';
    expect(capture({ level: undefined }).logger.level).toBe('debug');
    const { logger, records } = capture({ level: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    expect(records().map((r) => r['msg'])).toEqual(['shown']);
  });

  it('refuses an unknown level with a typed error', () => {
    process.env['LOG_LEVEL'] = 'verbose';
    expect(() => capture({ level: undefined })).toThrow(
      expect.objectContaining({ code: 'LOG_LEVEL_INVALID' }) as TelemetryError,
    );
  });
});
