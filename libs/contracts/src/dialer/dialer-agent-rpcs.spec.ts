import { callPreviewOfferedEvent } from '../call/preview-events';
import { dialerAgentRpcs, DialerRefusalReason } from './dialer-agent-rpcs';

const campaignId = '8a3c2f4e-1b6d-4c1e-9f3a-2d5e7b9c0a11';
const agentId = '1b6d8a3c-2f4e-4c1e-9f3a-2d5e7b9c0a11';

it('a manual dial names the campaign, the agent and optionally the contact, nothing else', () => {
  expect(dialerAgentRpcs.manualDial.request.safeParse({ campaignId, agentId }).success).toBe(true);
  expect(
    dialerAgentRpcs.manualDial.request.safeParse({ campaignId, agentId, contactId: campaignId }).success,
  ).toBe(true);
  expect(
    dialerAgentRpcs.manualDial.request.safeParse({ campaignId, agentId, contactId: 'c-42' }).success,
  ).toBe(false);
  expect(
    dialerAgentRpcs.manualDial.request.safeParse({ campaignId, agentId, phone: '+84900000001' }).success,
  ).toBe(false);
  expect(dialerAgentRpcs.manualDial.request.safeParse({ campaignId: 'nope', agentId }).success).toBe(false);
});

it('a preview action needs the preview id', () => {
  expect(dialerAgentRpcs.skipPreview.request.safeParse({ campaignId, agentId }).success).toBe(false);
  expect(
    dialerAgentRpcs.acceptPreview.request.safeParse({ campaignId, agentId, previewId: campaignId }).success,
  ).toBe(true);
});

it('names every refusal', () => {
  expect(DialerRefusalReason.options).toContain('AGENT_NOT_READY');
  expect(DialerRefusalReason.options).toContain('CAMPAIGN_NOT_MANUAL');
  expect(DialerRefusalReason.options).toContain('CONTACT_LEASED');
  expect(DialerRefusalReason.options).toContain('CONTACT_NOT_COMPLIANT');
});

it('a preview offer carries the screen-pop data and a valid number', () => {
  const offer = {
    previewId: campaignId,
    campaignId,
    dialerId: 'dialer-1',
    agentId,
    extension: '2001',
    contactId: campaignId,
    attemptId: campaignId,
    attemptNumber: 1,
    phone: '+84901234567',
    name: 'Customer',
    fields: { plan: 'gold' },
    previewSeconds: 10,
    offeredAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:00:10.000Z',
    onTimeout: 'dial',
  };
  expect(callPreviewOfferedEvent.payload.safeParse(offer).success).toBe(true);
  expect(callPreviewOfferedEvent.payload.safeParse({ ...offer, phone: '0901234567' }).success).toBe(false);
  expect(callPreviewOfferedEvent.payload.safeParse({ ...offer, onTimeout: 'maybe' }).success).toBe(false);
});
