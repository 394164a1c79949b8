import { z } from 'zod';
import { defineRpc } from '../rpc';
import {
  Campaign,
  CampaignAction,
  CampaignSettingsInput,
  CampaignSettingsPatch,
  CampaignStats,
  CampaignStatus,
  Cursor,
  Page,
  PageLimit,
  Uuid,
} from './campaign.schemas';
import {
  ContactList,
  CreateListRequest,
  ImportChunkRequest,
  ImportRejectsPage,
  ImportRejectsRequest,
  ImportStatus,
  ImportWarningsPage,
  ImportWarningsRequest,
  StartImportRequest,
} from './contact-list.schemas';
import {
  AssignContactsReply,
  AssignContactsRequest,
  BulkUpdateReply,
  Contact,
  LeaseContactsReply,
  LeaseContactsRequest,
  ListContactsRequest,
  OutcomeResult,
  RecordOutcomeRequest,
  RecordOutcomesReply,
  RecordOutcomesRequest,
  ReleaseLeaseReply,
  ReleaseLeaseRequest,
  RenewLeaseReply,
  RenewLeaseRequest,
  Segment,
  SegmentFilter,
  SetPriorityRequest,
} from './contact.schemas';
import {
  Callback,
  CancelCallbackRequest,
  Disposition,
  ListCallbacksRequest,
  ListDispositionsRequest,
  RecordDispositionRequest,
  ScheduleCallbackRequest,
} from './disposition.schemas';

/**
 * Every request/reply operation campaign-service answers, on `<ns>.rpc.campaign.<name>`.
 * Errors come back typed: VALIDATION_FAILED (bad request, unknown disposition code, ...),
 * NOT_FOUND, CONFLICT (stale `expectedVersion`, a transition the lifecycle forbids, a chunk
 * out of order, a different outcome for a recorded attempt), with `details.reason`:
 * `VERSION_MISMATCH` (+ `currentVersion`), `ILLEGAL_TRANSITION` (+ `status`, `action`),
 * `CHUNK_OUT_OF_ORDER` (+ `expectedSeq`), `IMPORT_CLOSED` (+ `state`),
 * `OUTCOME_MISMATCH` (+ `recorded`), `DISPOSITION_MISMATCH` (+ `recorded`),
 * `CAMPAIGN_CLOSED` (+ `status`: no new lists, contacts or callbacks once completed or archived).
 */
export const campaignRpcs = {
  // campaigns
  createCampaign: defineRpc(
    'campaign',
    'campaign.create',
    CampaignSettingsInput.extend({ idempotencyKey: z.string().min(1).max(200).optional() }),
    Campaign,
  ),
  getCampaign: defineRpc('campaign', 'campaign.get', z.object({ campaignId: Uuid }), Campaign),
  listCampaigns: defineRpc(
    'campaign',
    'campaign.list',
    z.object({
      status: z.array(CampaignStatus).min(1).optional(),
      limit: PageLimit,
      cursor: Cursor.optional(),
    }),
    Page(Campaign),
  ),
  /** Optimistic concurrency: CONFLICT (details.currentVersion) unless `expectedVersion` is the current one. */
  updateCampaign: defineRpc(
    'campaign',
    'campaign.update',
    z.object({
      campaignId: Uuid,
      expectedVersion: z.number().int().positive(),
      changes: CampaignSettingsPatch,
    }),
    Campaign,
  ),
  /** A lifecycle step; CONFLICT when the current status does not allow it (or the version is stale). */
  transitionCampaign: defineRpc(
    'campaign',
    'campaign.transition',
    z.object({
      campaignId: Uuid,
      action: CampaignAction,
      expectedVersion: z.number().int().positive().optional(),
      reason: z.string().max(500).optional(),
    }),
    Campaign,
  ),
  campaignStats: defineRpc('campaign', 'campaign.stats', z.object({ campaignId: Uuid }), CampaignStats),

  // lists and imports
  createList: defineRpc('campaign', 'list.create', CreateListRequest, ContactList),
  getList: defineRpc('campaign', 'list.get', z.object({ listId: Uuid }), ContactList),
  listLists: defineRpc(
    'campaign',
    'list.list',
    z.object({ campaignId: Uuid, limit: PageLimit, cursor: Cursor.optional() }),
    Page(ContactList),
  ),
  startImport: defineRpc('campaign', 'list.importStart', StartImportRequest, ImportStatus),
  importChunk: defineRpc('campaign', 'list.importChunk', ImportChunkRequest, ImportStatus),
  importStatus: defineRpc('campaign', 'list.importStatus', z.object({ importId: Uuid }), ImportStatus),
  importRejects: defineRpc('campaign', 'list.importRejects', ImportRejectsRequest, ImportRejectsPage),
  /** Cells left out of accepted rows (bad alternate numbers), paged by row. */
  importWarnings: defineRpc('campaign', 'list.importWarnings', ImportWarningsRequest, ImportWarningsPage),
  /** Stops an import that will not be finished (upload broken): what was committed stays, the report stays exact. */
  abortImport: defineRpc(
    'campaign',
    'list.importAbort',
    z.object({ importId: Uuid, reason: z.string().min(1).max(500) }),
    ImportStatus,
  ),

  // contacts, segments, splitting
  getContact: defineRpc('campaign', 'contact.get', z.object({ contactId: Uuid }), Contact),
  listContacts: defineRpc('campaign', 'contact.list', ListContactsRequest, Page(Contact)),
  setPriority: defineRpc('campaign', 'contact.setPriority', SetPriorityRequest, BulkUpdateReply),
  assignContacts: defineRpc('campaign', 'contact.assign', AssignContactsRequest, AssignContactsReply),
  createSegment: defineRpc(
    'campaign',
    'segment.create',
    z.object({ campaignId: Uuid, name: z.string().trim().min(1).max(200), filter: SegmentFilter }),
    Segment,
  ),
  getSegment: defineRpc(
    'campaign',
    'segment.get',
    z.object({ segmentId: Uuid }),
    Segment.extend({ contactCount: z.number().int().nonnegative() }),
  ),
  listSegments: defineRpc(
    'campaign',
    'segment.list',
    z.object({ campaignId: Uuid, limit: PageLimit, cursor: Cursor.optional() }),
    Page(Segment),
  ),
  deleteSegment: defineRpc(
    'campaign',
    'segment.delete',
    z.object({ segmentId: Uuid }),
    z.object({ deleted: z.boolean() }),
  ),

  // the dialer's queue
  leaseContacts: defineRpc('campaign', 'contact.lease', LeaseContactsRequest, LeaseContactsReply),
  renewLease: defineRpc('campaign', 'contact.renewLease', RenewLeaseRequest, RenewLeaseReply),
  releaseLease: defineRpc('campaign', 'contact.release', ReleaseLeaseRequest, ReleaseLeaseReply),
  recordOutcome: defineRpc('campaign', 'contact.recordOutcome', RecordOutcomeRequest, OutcomeResult),
  /**
   * Several outcomes in one transaction, each recorded and answered as alone (one refused
   * does not refuse the others); two of one attempt apply in the order given.
   */
  recordOutcomes: defineRpc('campaign', 'contact.recordOutcomes', RecordOutcomesRequest, RecordOutcomesReply),

  // dispositions and callbacks
  recordDisposition: defineRpc('campaign', 'disposition.record', RecordDispositionRequest, Disposition),
  listDispositions: defineRpc('campaign', 'disposition.list', ListDispositionsRequest, Page(Disposition)),
  scheduleCallback: defineRpc('campaign', 'callback.schedule', ScheduleCallbackRequest, Callback),
  listCallbacks: defineRpc('campaign', 'callback.list', ListCallbacksRequest, Page(Callback)),
  cancelCallback: defineRpc('campaign', 'callback.cancel', CancelCallbackRequest, Callback),
} as const;

export type CampaignRpcs = typeof campaignRpcs;
