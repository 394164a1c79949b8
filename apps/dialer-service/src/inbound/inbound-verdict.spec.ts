import type { CheckNumberReply } from '@autotelesale/contracts';
import { decideInbound } from './inbound-verdict';

const uuid = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const target = { extension: 'inbound_queue', dialplan: 'XML', context: 'default' };

function reply(allowed: boolean, reason: string | null = 'shouts at agents'): CheckNumberReply {
  return {
    phone: '+84961166133',
    allowed,
    invalidNumber: false,
    entries: allowed
      ? []
      : [
          {
            kind: 'blacklist',
            campaignId: null,
            phone: '+84961166133',
            reason,
            source: 'api',
            expiresAt: null,
            createdAt: '2026-11-23T09:00:00.000Z',
          },
        ],
  };
}

describe('decideInbound', () => {
  it('rejects a blacklisted caller with CALL_REJECTED and keeps the list reason', () => {
    expect(decideInbound(uuid, { kind: 'answered', reply: reply(false) }, target)).toEqual({
      result: 'rejected',
      command: `uuid_kill ${uuid} CALL_REJECTED`,
      listReason: 'shouts at agents',
      callerNumber: '+84961166133',
    });
  });

  it('sends an allowed caller on to the configured extension', () => {
    expect(decideInbound(uuid, { kind: 'answered', reply: reply(true) }, target)).toEqual({
      result: 'allowed',
      command: `uuid_transfer ${uuid} inbound_queue XML default`,
    });
  });

  it('lets a caller no list can hold (anonymous) go on', () => {
    expect(decideInbound(uuid, { kind: 'unreadableCaller' }, target).result).toBe('allowed');
  });

  it('fails open when compliance does not answer: the call goes on, counted apart', () => {
    const verdict = decideInbound(uuid, { kind: 'unavailable', error: 'timeout' }, target);
    expect(verdict).toEqual({
      result: 'failed_open',
      command: `uuid_transfer ${uuid} inbound_queue XML default`,
    });
  });
});
