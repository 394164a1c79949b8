import { z } from 'zod';
import { RECORDING_DEFAULTS, RecordingSettings, RecordingSettingsInput } from './recording.schemas';

/**
 * Campaigns: what a supervisor configures, as stored and returned by campaign-service.
 *
 * Two shapes per settings group: the complete one (`PacingSettings`, every field present,
 * what a Campaign carries) and the input one (`PacingSettingsInput`, every field optional,
 * what create and update accept). Create fills what is missing from `CAMPAIGN_DEFAULTS`;
 * update merges the given fields onto the current values (objects merge key by key,
 * arrays are replaced whole).
 */

export const Uuid = z.uuid();
export const IsoDateTime = z.iso.datetime({ offset: true });

/** An id from another service (agent ids, dialer ids, call ids): opaque, printable, bounded. */
export const ExternalId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.:@-]+$/, 'letters, digits and . _ : @ - only');

/** ISO 3166-1 alpha-2 region used to read national phone numbers (`VN`: `0961 166 133` -> `+84961166133`). */
export const PhoneRegion = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 region such as VN');

/** A normalised phone number. */
export const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +84961166133');

function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name (`Asia/Ho_Chi_Minh`, `Europe/London`). */
export const TimeZoneName = z.string().min(1).max(64).refine(isIanaTimeZone, 'an IANA time zone name');

export const CampaignMode = z.enum([
  'manual',
  'preview',
  'progressive',
  'predictive',
  'auto-call',
  'call-back',
]);
export type CampaignMode = z.infer<typeof CampaignMode>;

/** Lifecycle: draft -> running <-> paused -> completed -> archived (see campaign-domain). */
export const CampaignStatus = z.enum(['draft', 'running', 'paused', 'completed', 'archived']);
export type CampaignStatus = z.infer<typeof CampaignStatus>;

/** start: draft->running; pause: running->paused; resume: paused->running; complete: running|paused->completed; archive: draft|completed->archived. */
export const CampaignAction = z.enum(['start', 'pause', 'resume', 'complete', 'archive']);
export type CampaignAction = z.infer<typeof CampaignAction>;

// ---------------------------------------------------------------- pacing

export const PreviewTimeoutAction = z.enum(['dial', 'skip']);
export type PreviewTimeoutAction = z.infer<typeof PreviewTimeoutAction>;

export const PacingSettings = z.object({
  /** Fixed dial ratio k (calls in flight per free agent). Absent: predictive pacing steers by `abandonRateCap`. */
  ratio: z.number().min(1).max(10).nullable(),
  /** Cap on abandoned / live-answered calls, regulator definition. Default 0.03 (3 %). */
  abandonRateCap: z.number().min(0).max(0.1),
  /** Upper bound on lines dialing at once per free agent, whatever the pacer computes. */
  maxLinesPerAgent: z.number().int().min(1).max(20),
  /** Preview mode: seconds the agent sees the contact before `previewTimeoutAction` is taken. */
  previewSeconds: z.number().int().min(0).max(600),
  /**
   * Preview mode: what a preview the agent did not decide in time becomes: `dial` it, or
   * `skip` it (the contact gets a `skipped` outcome and comes back later). Campaigns stored
   * before the setting existed read `dial`, what every preview did then.
   */
  previewTimeoutAction: PreviewTimeoutAction.default('dial'),
  /** Seconds an answered customer may wait for an agent before the identification message (the 2-second rule). */
  abandonGraceSeconds: z.number().min(0).max(10),
  /** Seconds to let a number ring before giving up (at least 15, the regulators' minimum). */
  ringTimeoutSeconds: z.number().int().min(15).max(120),
});
export type PacingSettings = z.infer<typeof PacingSettings>;
export const PacingSettingsInput = PacingSettings.extend({
  previewTimeoutAction: PreviewTimeoutAction,
}).partial();

// ---------------------------------------------------------------- calling hours

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Weekday>;

/** `HH:MM`, 24-hour clock, `24:00` allowed as an end. */
export const ClockTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'HH:MM (24-hour)');

/** A daily window on the given weekdays, local time; `start` < `end` (overnight: two windows). */
export const CallingWindow = z
  .object({
    days: z.array(Weekday).min(1).max(7),
    start: ClockTime,
    end: ClockTime,
  })
  .refine((w) => w.start < w.end, { message: 'start must be before end', path: ['end'] });
export type CallingWindow = z.infer<typeof CallingWindow>;

/**
 * `contact`: hours apply in the contact's own zone when it is known (explicit column, or
 * derived from the number by the compliance rules), else in `timeZone`.
 * `campaign`: hours always apply in `timeZone`.
 */
export const TimeZonePolicy = z.enum(['contact', 'campaign']);

export const CallingHours = z.object({
  timeZone: TimeZoneName,
  timeZonePolicy: TimeZonePolicy,
  windows: z.array(CallingWindow).min(1).max(28),
});
export type CallingHours = z.infer<typeof CallingHours>;
export const CallingHoursInput = z.object({
  timeZone: TimeZoneName.optional(),
  timeZonePolicy: TimeZonePolicy.optional(),
  windows: z.array(CallingWindow).min(1).max(28).optional(),
});

// ---------------------------------------------------------------- retries

/**
 * After an outcome of this kind: dial again `delaySeconds` later, as long as the contact
 * has had fewer than `maxAttempts` outcomes of this kind; after that the contact is final
 * (`finalReason: maxAttempts`).
 */
export const RetryRule = z.object({
  delaySeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400),
  maxAttempts: z.number().int().min(1).max(100),
});
export type RetryRule = z.infer<typeof RetryRule>;

const SkippedDelaySeconds = z
  .number()
  .int()
  .min(0)
  .max(30 * 86_400);

export const RetryRules = z.object({
  busy: RetryRule,
  noAnswer: RetryRule,
  machine: RetryRule,
  failed: RetryRule,
  /** The customer answered and no agent was free (dropped call). */
  abandoned: RetryRule,
  /** Whatever the outcomes, no contact is dialed more than this many times. */
  maxTotalAttempts: z.number().int().min(1).max(100),
  /** After a `skipped` preview: due again this many seconds later (0: now, behind the contacts already due). Not an attempt. */
  skippedDelaySeconds: SkippedDelaySeconds.default(0),
});
export type RetryRules = z.infer<typeof RetryRules>;
export const RetryRulesInput = z.object({
  busy: RetryRule.partial().optional(),
  noAnswer: RetryRule.partial().optional(),
  machine: RetryRule.partial().optional(),
  failed: RetryRule.partial().optional(),
  abandoned: RetryRule.partial().optional(),
  maxTotalAttempts: z.number().int().min(1).max(100).optional(),
  skippedDelaySeconds: SkippedDelaySeconds.optional(),
});

// ---------------------------------------------------------------- compliance (issue 8)

/** A holiday: one date `YYYY-MM-DD`, or `MM-DD` every year; the contact's local date counts. */
export const HolidayDate = z
  .string()
  .regex(/^(\d{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date YYYY-MM-DD, or MM-DD for every year');

/** What the campaign does when answering-machine detection reports a machine. */
export const AmdAction = z.enum(['hangup', 'leaveMessage', 'passToAgent']);
export type AmdAction = z.infer<typeof AmdAction>;

export const AmdSettings = z.object({
  /** Run detection on answered calls (fs-sim and FreeSWITCH's avmd report a machine). */
  enabled: z.boolean(),
  action: AmdAction,
  /** Played to the machine for `leaveMessage` (without it the call is hung up). */
  message: z
    .object({ audio: z.string().min(1).max(500).optional(), text: z.string().min(1).max(2000).optional() })
    .nullable(),
  /** Share of machine detections that are in fact people, counted into the abandon rate (UK rule). */
  falsePositiveRate: z.number().min(0).max(1),
});
export type AmdSettings = z.infer<typeof AmdSettings>;

export const ComplianceSettings = z.object({
  /** Days nobody is called (in the contact's own zone). */
  holidays: z.array(HolidayDate).max(400),
  /** Dials to one number per local day (all of its contacts); null: no cap beyond the retry rules. */
  maxDialsPerNumberPerDay: z.number().int().min(1).max(100).nullable(),
  amd: AmdSettings,
});
export type ComplianceSettings = z.infer<typeof ComplianceSettings>;
export const ComplianceSettingsInput = z.object({
  holidays: z.array(HolidayDate).max(400).optional(),
  maxDialsPerNumberPerDay: z.number().int().min(1).max(100).nullable().optional(),
  amd: AmdSettings.partial().optional(),
});

export const COMPLIANCE_DEFAULTS: ComplianceSettings = {
  holidays: [],
  maxDialsPerNumberPerDay: null,
  amd: { enabled: false, action: 'hangup', message: null, falsePositiveRate: 0 },
};

// ---------------------------------------------------------------- messages, agents

/** A prompt played to the customer: an audio file on the media server and/or its text (for TTS and for the record). */
export const CustomerMessage = z
  .object({
    audio: z.string().min(1).max(500).optional(),
    text: z.string().min(1).max(2000).optional(),
  })
  .refine((m) => m.audio !== undefined || m.text !== undefined, 'audio or text is required');
export type CustomerMessage = z.infer<typeof CustomerMessage>;

/** Caller id presented to customers: digits, optionally with a leading +. */
export const CallerId = z.object({
  number: z.string().regex(/^\+?\d{3,20}$/, 'digits, optionally with a leading +'),
  name: z.string().min(1).max(80).optional(),
});
export type CallerId = z.infer<typeof CallerId>;

export const CampaignAgent = z.object({
  agentId: ExternalId,
  /** The agent's softphone extension, when the campaign pins one. */
  extension: z
    .string()
    .regex(/^[\w.+-]{1,40}$/)
    .optional(),
});
export type CampaignAgent = z.infer<typeof CampaignAgent>;

// ---------------------------------------------------------------- dispositions

export const FieldName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'letters, digits and _, starting with a letter or _');

export const DispositionFieldType = z.enum([
  'string',
  'text',
  'number',
  'integer',
  'boolean',
  'date',
  'datetime',
  'enum',
]);
export type DispositionFieldType = z.infer<typeof DispositionFieldType>;

/**
 * A custom field of the disposition form. `string` <= 500 chars, `text` <= 10,000,
 * `date` is `YYYY-MM-DD`, `datetime` ISO 8601 with offset, `enum` one of `options`.
 */
export const DispositionField = z
  .object({
    name: FieldName,
    label: z.string().min(1).max(200).optional(),
    type: DispositionFieldType,
    required: z.boolean().default(false),
    options: z.array(z.string().min(1).max(200)).min(1).max(200).optional(),
  })
  .refine((f) => (f.type === 'enum') === (f.options !== undefined), {
    message: 'options are required for enum fields and only for them',
    path: ['options'],
  });
export type DispositionField = z.infer<typeof DispositionField>;

export const DispositionCodeName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and -, at most 40');

export const DispositionCode = z
  .object({
    code: DispositionCodeName,
    label: z.string().min(1).max(200),
    /** Final: the contact is finished with this code. Not final: it is dialed again (`retryDelaySeconds`) or called back. */
    final: z.boolean().default(true),
    /** A sale: the disposition must carry `saleValue`. */
    sale: z.boolean().default(false),
    /** A callback: the disposition must carry `callbackAt`, and the contact is called back then. */
    callback: z.boolean().default(false),
    /** Not final and not a callback: dial again after this long (default 1 day). */
    retryDelaySeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional(),
  })
  .refine((c) => !(c.callback && c.final), { message: 'a callback code cannot be final', path: ['final'] });
export type DispositionCode = z.infer<typeof DispositionCode>;

export const DispositionSet = z
  .object({
    codes: z.array(DispositionCode).min(1).max(200),
    fields: z.array(DispositionField).max(100).default([]),
  })
  .refine((s) => new Set(s.codes.map((c) => c.code)).size === s.codes.length, {
    message: 'codes must be unique',
    path: ['codes'],
  })
  .refine((s) => new Set(s.fields.map((f) => f.name)).size === s.fields.length, {
    message: 'field names must be unique',
    path: ['fields'],
  });
export type DispositionSet = z.infer<typeof DispositionSet>;

// ---------------------------------------------------------------- campaign

const settingsShape = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable(),
  mode: CampaignMode,
  /** Region used to read national numbers of this campaign's lists unless a list says otherwise. */
  defaultRegion: PhoneRegion,
  pacing: PacingSettings,
  callingHours: CallingHours,
  retryRules: RetryRules,
  callerId: CallerId.nullable(),
  /** Optional 5-10 s message played before the customer is bridged (seed 000). */
  introMessage: CustomerMessage.nullable(),
  /** Played to an answered customer no agent could take within the grace (the abandon rule). */
  identificationMessage: CustomerMessage.nullable(),
  wrapUpSeconds: z.number().int().min(0).max(3600),
  agents: z.array(CampaignAgent).max(2000),
  agentGroupId: ExternalId.nullable(),
  dispositionSet: DispositionSet,
  /** Holidays, the per-number daily cap and AMD (campaigns stored before it get the defaults). */
  compliance: ComplianceSettings.default(COMPLIANCE_DEFAULTS),
  /** Call recording (campaigns stored before it: not recorded). */
  recording: RecordingSettings.default(RECORDING_DEFAULTS),
};

export const CampaignSettings = z.object(settingsShape);
export type CampaignSettings = z.infer<typeof CampaignSettings>;

/** Fields accepted on update: any subset; nested objects merge, arrays replace, `null` clears a nullable field. */
export const CampaignSettingsPatch = z
  .object({
    name: settingsShape.name,
    description: settingsShape.description,
    mode: CampaignMode,
    defaultRegion: PhoneRegion,
    pacing: PacingSettingsInput,
    callingHours: CallingHoursInput,
    retryRules: RetryRulesInput,
    callerId: settingsShape.callerId,
    introMessage: settingsShape.introMessage,
    identificationMessage: settingsShape.identificationMessage,
    wrapUpSeconds: settingsShape.wrapUpSeconds,
    agents: settingsShape.agents,
    agentGroupId: settingsShape.agentGroupId,
    dispositionSet: DispositionSet,
    compliance: ComplianceSettingsInput,
    recording: RecordingSettingsInput,
  })
  .partial()
  .strict();
export type CampaignSettingsPatch = z.infer<typeof CampaignSettingsPatch>;

/** Fields accepted on create: `name` and `mode` required, the rest from CAMPAIGN_DEFAULTS. */
export const CampaignSettingsInput = CampaignSettingsPatch.required({ name: true, mode: true });
export type CampaignSettingsInput = z.infer<typeof CampaignSettingsInput>;

export const Campaign = CampaignSettings.extend({
  id: Uuid,
  /** Increases by one on every change; pass it back as `expectedVersion`. */
  version: z.number().int().positive(),
  status: CampaignStatus,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  statusChangedAt: IsoDateTime,
});
export type Campaign = z.infer<typeof Campaign>;

const everyDay: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** What a created campaign gets for each setting it does not give. */
export const CAMPAIGN_DEFAULTS: Omit<CampaignSettings, 'name' | 'mode'> = {
  description: null,
  defaultRegion: 'VN',
  pacing: {
    ratio: null,
    abandonRateCap: 0.03,
    maxLinesPerAgent: 3,
    previewSeconds: 10,
    previewTimeoutAction: 'dial',
    abandonGraceSeconds: 2,
    ringTimeoutSeconds: 25,
  },
  callingHours: {
    timeZone: 'Asia/Ho_Chi_Minh',
    timeZonePolicy: 'contact',
    windows: [{ days: everyDay.slice(0, 6), start: '08:00', end: '21:00' }],
  },
  retryRules: {
    busy: { delaySeconds: 600, maxAttempts: 3 },
    noAnswer: { delaySeconds: 3600, maxAttempts: 3 },
    machine: { delaySeconds: 7200, maxAttempts: 2 },
    failed: { delaySeconds: 300, maxAttempts: 3 },
    abandoned: { delaySeconds: 3600, maxAttempts: 2 },
    maxTotalAttempts: 6,
    skippedDelaySeconds: 0,
  },
  callerId: null,
  introMessage: null,
  identificationMessage: null,
  wrapUpSeconds: 15,
  agents: [],
  agentGroupId: null,
  dispositionSet: {
    codes: [
      { code: 'SALE', label: 'Sale', final: true, sale: true, callback: false },
      { code: 'INTERESTED', label: 'Interested, follow up', final: false, sale: false, callback: true },
      { code: 'NOT_INTERESTED', label: 'Not interested', final: true, sale: false, callback: false },
      { code: 'CALLBACK', label: 'Call me back', final: false, sale: false, callback: true },
      { code: 'WRONG_NUMBER', label: 'Wrong number', final: true, sale: false, callback: false },
      { code: 'DO_NOT_CALL', label: 'Do not call me again', final: true, sale: false, callback: false },
      {
        code: 'NO_DECISION',
        label: 'No decision, try again',
        final: false,
        sale: false,
        callback: false,
        retryDelaySeconds: 86_400,
      },
    ],
    fields: [],
  },
  compliance: COMPLIANCE_DEFAULTS,
  recording: RECORDING_DEFAULTS,
};

export const CampaignStats = z.object({
  campaignId: Uuid,
  status: CampaignStatus,
  contacts: z.object({
    total: z.number().int().nonnegative(),
    /** Waiting and due now (dialable). */
    due: z.number().int().nonnegative(),
    /** Waiting for a later due time (retry delay, callback time). */
    scheduled: z.number().int().nonnegative(),
    leased: z.number().int().nonnegative(),
    done: z.number().int().nonnegative(),
    callbacksPending: z.number().int().nonnegative(),
  }),
  attempts: z.number().int().nonnegative(),
  outcomes: z.record(z.string(), z.number().int().nonnegative()),
  finalReasons: z.record(z.string(), z.number().int().nonnegative()),
});
export type CampaignStats = z.infer<typeof CampaignStats>;

/** A page of items: pass `nextCursor` back as `cursor` until it is null. */
export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const PageLimit = z.number().int().min(1).max(500).default(50);
/** Opaque cursor from a previous page. */
export const Cursor = z.string().min(1).max(200);
