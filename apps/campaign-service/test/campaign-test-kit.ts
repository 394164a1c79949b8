import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import {
  EventEnvelope,
  campaignRpcs,
  type Campaign,
  CampaignSettingsInput,
  type ImportStatus,
  type StartImportRequest,
} from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';
import { AppModule, SERVICE_OPTIONS } from '../src/app.module';
import { OutboxRelay } from '../src/outbox/outbox-relay.service';
import { CAMPAIGN_POOL } from '../src/db/campaign-pool';
import type { Pool } from 'pg';
import type { z } from 'zod';

/** campaign-service on real NATS and PostgreSQL (fresh namespace and database). */
export async function startCampaignService(): Promise<ServiceUnderTest> {
  return startServiceForTest(AppModule, SERVICE_OPTIONS);
}

/**
 * Calling hours open around the clock: the queue's tests are about the queue, and leases
 * check hours in the contact's zone (tests of the hours themselves set their own).
 */
export const ALWAYS_OPEN = {
  timeZone: 'UTC',
  timeZonePolicy: 'campaign' as const,
  windows: [
    { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, start: '00:00', end: '24:00' },
  ],
};

export async function createCampaign(
  bus: NatsBus,
  settings: Partial<z.input<typeof CampaignSettingsInput>> = {},
  start = true,
): Promise<Campaign> {
  const campaign = await bus.request(campaignRpcs.createCampaign, {
    name: 'Test campaign',
    mode: 'predictive',
    callingHours: { ...ALWAYS_OPEN, windows: ALWAYS_OPEN.windows.map((w) => ({ ...w, days: [...w.days] })) },
    ...settings,
  });
  if (!start) return campaign;
  return bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'start' });
}

/** Imports `content` into a new list of the campaign, cut into `chunkBytes` pieces (base64, as the gateway sends). */
export async function importContent(
  bus: NatsBus,
  campaignId: string,
  content: string | Buffer,
  options: Partial<Omit<StartImportRequest, 'listId'>> & { chunkBytes?: number; listName?: string } = {},
): Promise<ImportStatus> {
  const { chunkBytes = 64 * 1024, listName = 'list', ...start } = options;
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const list = await bus.request(campaignRpcs.createList, { campaignId, name: listName });
  let status = await bus.request(campaignRpcs.startImport, {
    listId: list.id,
    format: 'csv',
    totalBytes: bytes.length,
    ...start,
  });
  let seq = 0;
  for (let offset = 0; offset < bytes.length || seq === 0; offset += chunkBytes) {
    const piece = bytes.subarray(offset, offset + chunkBytes);
    status = await bus.request(
      campaignRpcs.importChunk,
      {
        importId: status.importId,
        seq: seq++,
        data: piece.toString('base64'),
        last: offset + chunkBytes >= bytes.length,
      },
      { timeoutMs: 30_000 },
    );
    if (bytes.length === 0) break;
  }
  return status;
}

/** Every event published on the campaign's subject, as it arrives (core NATS sees JetStream publishes too). */
export function collectEvents(
  service: ServiceUnderTest,
  campaignId: string,
): { events: EventEnvelope[]; stop(): void } {
  const events: EventEnvelope[] = [];
  const subscription = service.bus.nc.subscribe(service.topology.events.campaign(campaignId), {
    callback: (_error, msg) => {
      events.push(EventEnvelope.parse(JSON.parse(new TextDecoder().decode(msg.data))));
    },
  });
  return { events, stop: () => subscription.unsubscribe() };
}

/** Waits until the outbox is empty: every event written so far has been published. */
export async function flushEvents(service: ServiceUnderTest): Promise<void> {
  await service.app.get(OutboxRelay).flush();
  await service.bus.nc.flush();
}

/** The service's own pool (search_path = campaign), to look at what it stored. */
export function campaignDb(service: ServiceUnderTest): Pool {
  return service.app.get<Pool>(CAMPAIGN_POOL);
}
