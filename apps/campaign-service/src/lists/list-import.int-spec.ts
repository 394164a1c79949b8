import { campaignRpcs, type ImportReject } from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { expectEventually } from '@autotelesale/testing';
import {
  campaignDb,
  collectEvents,
  createCampaign,
  flushEvents,
  importContent,
  startCampaignService,
} from '../../test/campaign-test-kit';
import { generateList } from '../../test/generated-list';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startCampaignService();
});

afterAll(async () => {
  await service?.stop();
});

async function allRejects(importId: string): Promise<ImportReject[]> {
  const out: ImportReject[] = [];
  let afterRow = 0;
  for (;;) {
    const page = await service.bus.request(campaignRpcs.importRejects, { importId, afterRow, limit: 250 });
    out.push(...page.items);
    if (page.nextAfterRow === null) return out;
    afterRow = page.nextAfterRow;
  }
}

describe('list import', () => {
  it('imports a 10,000-row CSV with bad rows, in odd-sized chunks, with an exact report', async () => {
    const campaign = await createCampaign(service.bus);
    const list = generateList(10_000);
    const events = collectEvents(service, campaign.id);
    const status = await importContent(service.bus, campaign.id, list.csv, { chunkBytes: 7_777 });

    expect(status).toMatchObject({
      state: 'completed',
      progress: 1,
      rowsIn: 10_000,
      accepted: list.accepted,
      merged: list.merged,
      rejected: list.rejects.length,
      blankLines: list.blankLines,
    });
    expect(status.accepted + status.merged + status.rejected).toBe(status.rowsIn);

    const rejects = await allRejects(status.importId);
    expect(rejects.map((r) => ({ line: r.line, code: r.code }))).toEqual(list.rejects);
    expect(rejects.every((r) => r.reason.length > 0)).toBe(true);

    const stored = await campaignDb(service).query<{ phone: string }>(
      'SELECT phone FROM contact WHERE campaign_id = $1',
      [campaign.id],
    );
    expect(new Set(stored.rows.map((r) => r.phone))).toEqual(list.phones);

    await flushEvents(service);
    await expectEventually(() => expect(events.events.some((e) => e.type === 'import.completed')).toBe(true));
    events.stop();
    const progress = events.events
      .filter((e) => e.type === 'import.progress')
      .map((e) => (e.payload as { import: { progress: number } }).import.progress);
    expect(progress.length).toBeGreaterThan(5);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress); // it only grows
  });

  it('keeps extra columns as custom fields, merges duplicates (the later row fills in), escapes formulas on the way out', async () => {
    const campaign = await createCampaign(service.bus);
    const csv = [
      'phone,name,city,note,tier',
      '0961 166 133,Nguyễn Văn A,Hà Nội,=1+2,',
      '+84 961 166 134,@admin,Huế,-5,gold',
      '84961166133,,Đà Nẵng,,silver',
    ].join('\n');
    const status = await importContent(service.bus, campaign.id, csv, { chunkBytes: 10 });
    expect(status).toMatchObject({ rowsIn: 3, accepted: 2, merged: 1, rejected: 0 });
    const page = await service.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 10 });
    const byPhone = Object.fromEntries(page.items.map((c) => [c.phone, c]));
    expect(byPhone['+84961166133']).toMatchObject({
      name: 'Nguyễn Văn A',
      fields: { city: 'Đà Nẵng', note: `'=1+2`, tier: 'silver' },
      status: 'pending',
    });
    expect(byPhone['+84961166134']).toMatchObject({
      name: `'@admin`,
      fields: { city: 'Huế', note: `'-5`, tier: 'gold' },
    });
    const raw = await campaignDb(service).query<{ fields: Record<string, string> }>(
      `SELECT fields FROM contact WHERE phone = '+84961166133' AND campaign_id = $1`,
      [campaign.id],
    );
    expect(raw.rows[0]!.fields['note']).toBe('=1+2'); // stored as text, as received
  });

  it('merges a later list into the campaign’s contacts without touching their queue state', async () => {
    const campaign = await createCampaign(service.bus);
    await importContent(service.bus, campaign.id, 'phone,city\n0961000001,Huế\n0961000002,Huế\n');
    const second = await importContent(
      service.bus,
      campaign.id,
      'phone,city,vip\n0961000002,,yes\n0961000003,Huế,\n',
      {
        listName: 'second',
      },
    );
    expect(second).toMatchObject({ rowsIn: 2, accepted: 1, merged: 1, rejected: 0 });
    const contact = (
      await service.bus.request(campaignRpcs.listContacts, {
        campaignId: campaign.id,
        phone: '0961000002',
        limit: 5,
      })
    ).items[0]!;
    expect(contact.fields).toEqual({ city: 'Huế', vip: 'yes' });
  });

  it('reads UTF-8 with and without a BOM alike, semicolons and LF too', async () => {
    for (const [bom, eol] of [
      [true, '\n'],
      [false, '\r\n'],
    ] as const) {
      const campaign = await createCampaign(service.bus);
      const list = generateList(300, { bom, eol });
      const status = await importContent(service.bus, campaign.id, list.csv.replace(/,/g, ';'), {
        chunkBytes: 1_000,
      });
      expect(status).toMatchObject({
        rowsIn: 300,
        accepted: list.accepted,
        merged: list.merged,
        rejected: list.rejects.length,
      });
      const page = await service.bus.request(campaignRpcs.listContacts, {
        campaignId: campaign.id,
        limit: 1,
      });
      expect(Object.keys(page.items[0]!.fields).sort()).toEqual(['Ghi chú', 'Thành phố', 'Điểm']);
    }
  });

  it('imports JSON arrays and NDJSON, reporting each bad element by line and row', async () => {
    const campaign = await createCampaign(service.bus);
    const json = JSON.stringify(
      [
        { phone: '0961 166 133', name: 'A', city: 'Huế', age: 42 },
        { phone: 'not a number' },
        42,
        { phone: '0961166134', tags: ['x', 'y'] },
      ],
      null,
      1,
    );
    const status = await importContent(service.bus, campaign.id, json, { format: 'json', chunkBytes: 16 });
    expect(status).toMatchObject({ rowsIn: 4, accepted: 2, merged: 0, rejected: 2 });
    expect((await allRejects(status.importId)).map((r) => [r.row, r.code])).toEqual([
      [2, 'PHONE_INVALID'],
      [3, 'NOT_AN_OBJECT'],
    ]);
    const minified = await importContent(
      service.bus,
      campaign.id,
      '[{"phone":"0961166135"},7,{"phone":"x"}]',
      {
        format: 'json',
        listName: 'minified',
      },
    );
    expect((await allRejects(minified.importId)).map((r) => [r.line, r.row, r.code])).toEqual([
      [1, 2, 'NOT_AN_OBJECT'],
      [1, 3, 'PHONE_INVALID'],
    ]);
    const ndjson = await importContent(service.bus, campaign.id, '{"phone":"0961166136"}\n{"phone":\n', {
      format: 'ndjson',
      listName: 'nd',
    });
    expect(ndjson).toMatchObject({ rowsIn: 2, accepted: 1, rejected: 1 });
  });

  it('applies a re-sent chunk once, refuses one out of order, and serialises concurrent copies', async () => {
    const campaign = await createCampaign(service.bus);
    const list = await service.bus.request(campaignRpcs.createList, {
      campaignId: campaign.id,
      name: 'retry',
    });
    const start = await service.bus.request(campaignRpcs.startImport, { listId: list.id, format: 'csv' });
    const chunk = (seq: number, text: string, last = false) =>
      service.bus.request(campaignRpcs.importChunk, {
        importId: start.importId,
        seq,
        data: Buffer.from(text).toString('base64'),
        last,
      });
    await chunk(0, 'phone,name\n0961000011,A\n0961');
    await expect(chunk(2, 'x')).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'CHUNK_OUT_OF_ORDER', expectedSeq: 1 },
    });
    const copies = await Promise.all(Array.from({ length: 5 }, () => chunk(1, '000012,B\n')));
    expect(new Set(copies.map((c) => c.nextSeq))).toEqual(new Set([2]));
    expect(copies.every((c) => c.rowsIn === 2)).toBe(true);
    const again = await chunk(0, 'phone,name\n0961000011,A\n0961');
    expect(again).toMatchObject({ nextSeq: 2, rowsIn: 2, accepted: 2 });
    const done = await chunk(2, '', true);
    expect(done).toMatchObject({ state: 'completed', rowsIn: 2, accepted: 2 });
    await expect(chunk(3, 'more')).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'IMPORT_CLOSED' },
    });
    expect(await service.bus.request(campaignRpcs.importStatus, { importId: start.importId })).toEqual(done);
  });

  it('fails a CSV without a phone column loudly, and aborts on request', async () => {
    const campaign = await createCampaign(service.bus);
    const failed = await importContent(service.bus, campaign.id, 'name,city\nA,Huế\n');
    expect(failed).toMatchObject({
      state: 'failed',
      rowsIn: 0,
      error: expect.stringMatching(/no phone column/),
    });

    const list = await service.bus.request(campaignRpcs.createList, {
      campaignId: campaign.id,
      name: 'aborted',
    });
    const start = await service.bus.request(campaignRpcs.startImport, {
      listId: list.id,
      format: 'csv',
      totalBytes: 1000,
    });
    const first = await service.bus.request(campaignRpcs.importChunk, {
      importId: start.importId,
      seq: 0,
      data: 'phone\n0961000021\n',
      encoding: 'utf8',
    });
    expect(first).toMatchObject({ state: 'receiving', progress: 0.017, accepted: 1 });
    const aborted = await service.bus.request(campaignRpcs.abortImport, {
      importId: start.importId,
      reason: 'upload cut',
    });
    expect(aborted).toMatchObject({ state: 'aborted', accepted: 1, error: 'upload cut' });
  });
});
