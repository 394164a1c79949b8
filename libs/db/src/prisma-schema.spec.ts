import { readPrismaSchema } from './prisma-schema';
import { expectedColumnType } from './schema-drift';

const SCHEMA = `
// comment line
generator client {
  provider = "prisma-client"
}
datasource db {
  provider = "postgresql"
}

enum CampaignState {
  draft
  running @map("RUNNING")
  @@map("campaign_state")
}

/// a campaign
model Campaign {
  id        String        @id @default(uuid()) @db.Uuid
  name      String        @db.VarChar(200) // trailing comment with "quotes"
  state     CampaignState @default(draft)
  tags      String[]
  note      String?
  createdAt DateTime      @default(now()) @map("created_at") @db.Timestamptz(3)
  contacts  Contact[]
  @@map("campaign")
}

model Contact {
  campaignId String   @map("campaign_id") @db.Uuid
  phone      String   @unique(map: "contact_phone_key")
  seq        Int
  campaign   Campaign @relation(fields: [campaignId], references: [id])
  @@id([campaignId, seq])
  @@unique([campaignId, phone])
  @@index([phone])
  @@map("contact")
}
`;

describe('readPrismaSchema', () => {
  const model = readPrismaSchema(SCHEMA);

  it('reads tables, columns and mapped names, and leaves relation fields out', () => {
    const campaign = model.models.find((m) => m.name === 'Campaign')!;
    expect(campaign.table).toBe('campaign');
    expect(campaign.fields.map((f) => f.column)).toEqual([
      'id',
      'name',
      'state',
      'tags',
      'note',
      'created_at',
    ]);
    expect(campaign.primaryKey).toEqual(['id']);
    expect(campaign.fields.find((f) => f.name === 'note')).toMatchObject({ optional: true });
    expect(campaign.fields.find((f) => f.name === 'tags')).toMatchObject({ list: true, optional: false });
  });

  it('reads composite keys and unique constraints in column names', () => {
    const contact = model.models.find((m) => m.name === 'Contact')!;
    expect(contact.primaryKey).toEqual(['campaign_id', 'seq']);
    expect(contact.uniques).toEqual([['phone'], ['campaign_id', 'phone']]);
  });

  it('reads enums with their mapped names and values', () => {
    expect(model.enums).toEqual([
      { name: 'CampaignState', dbName: 'campaign_state', values: ['draft', 'RUNNING'] },
    ]);
  });

  it('maps each field to the PostgreSQL type Prisma would create', () => {
    const campaign = model.models.find((m) => m.name === 'Campaign')!;
    const enums = new Map([['CampaignState', 'campaign_state']]);
    expect(campaign.fields.map((f) => expectedColumnType(f, enums))).toEqual([
      'uuid',
      'varchar(200)',
      'campaign_state',
      'text[]',
      'text',
      'timestamptz(3)',
    ]);
  });

  it.each([
    ['a view', 'view V {\n id Int @id\n}'],
    ['an unknown block attribute', 'model M {\n id Int @id\n @@fulltext([id])\n}'],
    ['an unknown field type', 'model M {\n id Int @id\n x Geometry\n}'],
    ['a model without a key', 'model M {\n x Int\n}'],
    ['an unclosed block', 'model M {\n id Int @id\n'],
  ])('refuses %s instead of skipping it', (_label, source) => {
    expect(() => readPrismaSchema(source)).toThrow(
      expect.objectContaining({ code: 'PRISMA_SCHEMA_UNSUPPORTED' }),
    );
  });
});
