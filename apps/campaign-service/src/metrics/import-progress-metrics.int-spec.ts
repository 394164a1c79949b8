import { campaignRpcs } from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { expectEventually } from '@autotelesale/testing';
import { createCampaign, startCampaignService } from '../../test/campaign-test-kit';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startCampaignService();
});

afterAll(async () => {
  await service?.stop();
});

/** The value of one series on /metrics, or undefined when the series is absent. */
async function sample(name: string, importId: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${service.httpPort}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && l.includes(`import_id="${importId}"`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

it('shows an import in progress, its rows and its share of the file, and drops it when it completes', async () => {
  const campaign = await createCampaign(service.bus);
  const list = await service.bus.request(campaignRpcs.createList, {
    campaignId: campaign.id,
    name: 'progress',
  });
  const rows = ['phone,first_name', '+14155550101,Ann', '+14155550102,Bob', '+14155550103,Cy', ''].join('\n');
  const half = rows.indexOf('+14155550103');
  const started = await service.bus.request(campaignRpcs.startImport, {
    listId: list.id,
    format: 'csv',
    totalBytes: Buffer.byteLength(rows),
  });
  await service.bus.request(campaignRpcs.importChunk, {
    importId: started.importId,
    seq: 0,
    data: rows.slice(0, half),
    encoding: 'utf8',
  });

  expect(await sample('autotelesale_campaign_import_rows_read', started.importId)).toBe(2);
  const ratio = await sample('autotelesale_campaign_import_progress_ratio', started.importId);
  expect(ratio).toBeCloseTo(half / Buffer.byteLength(rows), 5);
  const text = await (await fetch(`http://127.0.0.1:${service.httpPort}/metrics`)).text();
  expect(text).toMatch(/^autotelesale_campaign_imports_in_progress\{[^}]*\} 1$/m);
  // Phone numbers never reach a label.
  expect(text).not.toContain('4155550101');

  await service.bus.request(campaignRpcs.importChunk, {
    importId: started.importId,
    seq: 1,
    data: rows.slice(half),
    encoding: 'utf8',
    last: true,
  });
  // The series goes once the import completed (after the scrape cache of a second).
  await expectEventually(async () =>
    expect(await sample('autotelesale_campaign_import_rows_read', started.importId)).toBeUndefined(),
  );
});
