import { AtsError } from '@autotelesale/contracts';
import { loadInboundGateConfig, parseInboundContinue } from './inbound-gate.config';

describe('inbound gate configuration', () => {
  it('defaults to inbound_queue XML default, 1.5 s for compliance, region VN', () => {
    expect(loadInboundGateConfig({})).toEqual({
      continueTo: { extension: 'inbound_queue', dialplan: 'XML', context: 'default' },
      checkTimeoutMs: 1_500,
      defaultRegion: 'VN',
    });
  });

  it('reads the extension alone like uuid_transfer does (XML, default)', () => {
    expect(parseInboundContinue('  5000 ')).toEqual({
      extension: '5000',
      dialplan: 'XML',
      context: 'default',
    });
    expect(parseInboundContinue('sales XML autotelesale_in')).toEqual({
      extension: 'sales',
      dialplan: 'XML',
      context: 'autotelesale_in',
    });
  });

  it.each([
    ['', 'expected'],
    ['a XML default extra', 'expected'],
    ['in;queue XML default', 'extension'],
    ['5000 X$ML default', 'dialplan'],
    ['playback:/x.wav inline', 'extension'],
    ['5000 inline', 'inline'],
    ['5000 XML def/ault', 'context'],
  ])('refuses ATS_INBOUND_CONTINUE=%j with a typed error naming it', (value, word) => {
    let error: unknown;
    try {
      loadInboundGateConfig({ ATS_INBOUND_CONTINUE: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AtsError);
    expect((error as AtsError).code).toBe('VALIDATION_FAILED');
    expect((error as AtsError).message).toContain('ATS_INBOUND_CONTINUE');
    expect((error as AtsError).message).toContain(word);
  });

  it('refuses a bad region or timeout', () => {
    expect(() => loadInboundGateConfig({ ATS_INBOUND_DEFAULT_REGION: 'vn' })).toThrow(AtsError);
    expect(() => loadInboundGateConfig({ ATS_INBOUND_CHECK_TIMEOUT_MS: '5' })).toThrow(AtsError);
  });
});
