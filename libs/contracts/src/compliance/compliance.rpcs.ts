import { defineRpc } from '../rpc';
import { Page } from '../campaign/campaign.schemas';
import {
  AddDncEntriesReply,
  AddDncEntriesRequest,
  CheckNumberReply,
  CheckNumberRequest,
  ClearToDialManyReply,
  ClearToDialManyRequest,
  ClearToDialReply,
  ClearToDialRequest,
  DialAudit,
  DncEntry,
  ImportDncRequest,
  ListDialAuditRequest,
  ListDncEntriesRequest,
  RemoveDncEntriesReply,
  RemoveDncEntriesRequest,
} from './compliance.schemas';

/**
 * Compliance operations, answered by campaign-service on `<ns>.rpc.campaign.<name>`.
 * Errors: VALIDATION_FAILED, NOT_FOUND (unknown campaign or attempt).
 */
export const complianceRpcs = {
  /** The dialer, right before each originate: re-checks every rule at that instant and writes the audit record. */
  clearToDial: defineRpc('campaign', 'compliance.clearToDial', ClearToDialRequest, ClearToDialReply),
  /** `clearToDial` for up to CLEAR_TO_DIAL_MANY_MAX attempts in one transaction (the dialer batches them). */
  clearToDialMany: defineRpc(
    'campaign',
    'compliance.clearToDialMany',
    ClearToDialManyRequest,
    ClearToDialManyReply,
  ),
  addDncEntries: defineRpc('campaign', 'dnc.add', AddDncEntriesRequest, AddDncEntriesReply),
  importDnc: defineRpc('campaign', 'dnc.import', ImportDncRequest, AddDncEntriesReply),
  removeDncEntries: defineRpc('campaign', 'dnc.remove', RemoveDncEntriesRequest, RemoveDncEntriesReply),
  listDncEntries: defineRpc('campaign', 'dnc.list', ListDncEntriesRequest, Page(DncEntry)),
  checkNumber: defineRpc('campaign', 'dnc.check', CheckNumberRequest, CheckNumberReply),
  listDialAudit: defineRpc('campaign', 'audit.list', ListDialAuditRequest, Page(DialAudit)),
} as const;

export type ComplianceRpcs = typeof complianceRpcs;
