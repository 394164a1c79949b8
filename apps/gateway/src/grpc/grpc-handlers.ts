import {
  AtsError,
  CampaignSettingsInput,
  campaignRpcs,
  getAgentStatusRpc,
  loginRpc,
  logoutRpc,
  notReadyRpc,
  readyRpc,
  releaseReservationRpc,
  reserveAgentRpc,
  type Campaign,
  type Contact,
  type Disposition,
  type ImportFormat,
  type StartImportRequest,
} from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';
import { requireAgentAccess } from '../auth/access.util';
import type { Principal } from '../auth/principal';
import { AgentDialingUseCase } from '../api/agent-dialing.use-case';
import type { ContactImportUploader } from '../api/contact-import.uploader';
import { boundary } from '../http/boundary.util';
import { decodeCursor, encodeCursor } from '../http/cursor.util';
import { scopedIdempotencyKey } from '../http/idempotency.interceptor';
import { fromStruct, toStruct, toValue, type ProtoStruct } from './struct.util';

/* eslint-disable @typescript-eslint/no-explicit-any -- requests arrive as protobufjs plain objects */
type Req = Record<string, any>;

export type UnaryHandler = (request: Req, principal: Principal) => Promise<unknown>;
export type ClientStreamHandler = (messages: AsyncIterable<Req>, principal: Principal) => Promise<unknown>;

export const campaignMessage = (c: Campaign) => ({ ...c, document: toStruct(c) });
export const contactMessage = (c: Contact) => ({ ...c, fields: toStruct(c.fields), document: toStruct(c) });
const dispositionMessage = (d: Disposition) => ({ ...d, fields: toStruct(d.fields) });
const pageOf = <T, M>(page: { items: T[]; nextCursor: string | null }, map: (t: T) => M) => ({
  items: page.items.map(map),
  nextCursor: page.nextCursor ?? undefined,
});
const idempotencyKey = (principal: Principal, key: string | undefined) =>
  key ? scopedIdempotencyKey(principal, key) : undefined;

/** Column-map keys as a proto user would write them, in snake_case or camelCase. */
const COLUMN_KEYS: Record<string, string> = {
  phone: 'phone',
  name: 'name',
  priority: 'priority',
  time_zone: 'timeZone',
  timeZone: 'timeZone',
  owner_agent_id: 'ownerAgentId',
  ownerAgentId: 'ownerAgentId',
};

/**
 * The unary and client-stream operations of the gRPC services: each turns the proto
 * request into the contract request (validated on the way by the bus), asks the
 * service, and shapes the reply for the proto message.
 */
export function grpcHandlers(bus: NatsBus, uploader: ContactImportUploader) {
  const dialing = new AgentDialingUseCase(bus);
  const unary: Record<string, UnaryHandler> = {
    'CampaignService/CreateCampaign': async (r, principal) => {
      const settings = boundary(CampaignSettingsInput, {
        ...fromStruct(r['settings'] as ProtoStruct | undefined),
        name: r['name'],
        mode: r['mode'],
      });
      const campaign = await bus.request(campaignRpcs.createCampaign, {
        ...settings,
        idempotencyKey: idempotencyKey(principal, r['idempotencyKey']),
      });
      return campaignMessage(campaign);
    },
    'CampaignService/GetCampaign': async (r) =>
      campaignMessage(await bus.request(campaignRpcs.getCampaign, { campaignId: r['campaignId'] })),
    'CampaignService/ListCampaigns': async (r) =>
      pageOf(
        await bus.request(campaignRpcs.listCampaigns, {
          status: r['status'],
          limit: r['limit'],
          cursor: r['cursor'],
        }),
        campaignMessage,
      ),
    'CampaignService/TransitionCampaign': async (r) =>
      campaignMessage(
        await bus.request(campaignRpcs.transitionCampaign, {
          campaignId: r['campaignId'],
          action: r['action'],
          expectedVersion: r['expectedVersion'],
          reason: r['reason'],
        }),
      ),
    'CampaignService/GetCampaignStats': (r) =>
      bus.request(campaignRpcs.campaignStats, { campaignId: r['campaignId'] }),

    'ListService/CreateList': (r, principal) =>
      bus.request(campaignRpcs.createList, {
        campaignId: r['campaignId'],
        name: r['name'],
        defaultRegion: r['defaultRegion'],
        idempotencyKey: idempotencyKey(principal, r['idempotencyKey']),
      }),
    'ListService/ListLists': async (r) =>
      pageOf(
        await bus.request(campaignRpcs.listLists, {
          campaignId: r['campaignId'],
          limit: r['limit'],
          cursor: r['cursor'],
        }),
        (list) => list,
      ),
    'ListService/GetImportStatus': (r) => bus.request(campaignRpcs.importStatus, { importId: r['importId'] }),
    'ListService/ListImportRejects': async (r) => {
      const afterLine = r['cursor'] ? Number(decodeCursor(r['cursor'])) : 0;
      const page = await bus.request(campaignRpcs.importRejects, {
        importId: r['importId'],
        afterLine: Number.isSafeInteger(afterLine) ? afterLine : 0,
        limit: r['limit'],
      });
      return {
        items: page.items.map((item) => ({ ...item, raw: toValue(item.raw) })),
        nextCursor: page.nextAfterLine === null ? undefined : encodeCursor(String(page.nextAfterLine)),
        totalRejected: page.totalRejected,
      };
    },
    'ListService/ListImportWarnings': async (r) => {
      const afterRow = r['cursor'] ? Number(decodeCursor(r['cursor'])) : 0;
      const page = await bus.request(campaignRpcs.importWarnings, {
        importId: r['importId'],
        afterRow: Number.isSafeInteger(afterRow) && afterRow >= 0 ? afterRow : 0,
        limit: r['limit'],
      });
      return {
        items: page.items,
        nextCursor: page.nextAfterRow === null ? undefined : encodeCursor(String(page.nextAfterRow)),
        totalWarnings: page.totalWarnings,
      };
    },

    'ContactService/GetContact': async (r) =>
      contactMessage(await bus.request(campaignRpcs.getContact, { contactId: r['contactId'] })),
    'ContactService/ListContacts': async (r) =>
      pageOf(
        await bus.request(campaignRpcs.listContacts, {
          campaignId: r['campaignId'],
          listId: r['listId'],
          segmentId: r['segmentId'],
          status: r['status'],
          ownerAgentId: r['ownerAgentId'],
          phone: r['phone'],
          limit: r['limit'],
          cursor: r['cursor'],
        }),
        contactMessage,
      ),
    'ContactService/LeaseContacts': async (r) => {
      const reply = await bus.request(campaignRpcs.leaseContacts, {
        campaignId: r['campaignId'],
        dialerId: r['dialerId'],
        count: r['count'],
        leaseSeconds: r['leaseSeconds'],
        agentIds: r['agentIds'],
        includeUnowned: r['includeUnowned'],
        segmentId: r['segmentId'],
      });
      return {
        campaignStatus: reply.campaignStatus,
        contacts: reply.contacts.map((c) => ({
          attemptId: c.attemptId,
          attemptNumber: c.attemptNumber,
          leaseExpiresAt: c.leaseExpiresAt,
          contact: contactMessage(c),
        })),
      };
    },
    'ContactService/RecordOutcome': (r) =>
      bus.request(campaignRpcs.recordOutcome, {
        attemptId: r['attemptId'],
        dialerId: r['dialerId'],
        outcome: r['outcome'],
        callId: r['callId'],
        occurredAt: r['occurredAt'],
        hangupCause: r['hangupCause'],
        details: fromStruct(r['details']),
      }),

    'DispositionService/RecordDisposition': async (r, principal) => {
      requireAgentAccess(principal, [r['agentId'] ?? '']);
      return dispositionMessage(
        await bus.request(campaignRpcs.recordDisposition, {
          campaignId: r['campaignId'],
          contactId: r['contactId'],
          callId: r['callId'],
          agentId: r['agentId'],
          code: r['code'],
          notes: r['notes'],
          callbackAt: r['callbackAt'],
          callbackOwner: r['callbackOwner'],
          saleValue: r['saleValue'],
          currency: r['currency'],
          fields: fromStruct(r['fields']) as never,
        }),
      );
    },
    'DispositionService/ListDispositions': async (r, principal) =>
      pageOf(
        await bus.request(campaignRpcs.listDispositions, {
          campaignId: r['campaignId'],
          contactId: r['contactId'],
          agentId: principal.role === 'agent' ? principal.agentId! : r['agentId'],
          limit: r['limit'],
          cursor: r['cursor'],
        }),
        dispositionMessage,
      ),
    'DispositionService/ScheduleCallback': (r, principal) => {
      const ownerAgentId =
        principal.role === 'agent' ? (r['ownerAgentId'] ?? principal.agentId) : r['ownerAgentId'];
      if (principal.role === 'agent') requireAgentAccess(principal, [ownerAgentId]);
      return bus.request(campaignRpcs.scheduleCallback, {
        campaignId: r['campaignId'],
        contactId: r['contactId'],
        phone: r['phone'],
        region: r['region'],
        name: r['name'],
        dueAt: r['dueAt'],
        ownerAgentId,
        notes: r['notes'],
        requestedBy: r['requestedBy'],
        idempotencyKey: idempotencyKey(principal, r['idempotencyKey']),
      });
    },
    'DispositionService/ListCallbacks': async (r, principal) =>
      pageOf(
        await bus.request(campaignRpcs.listCallbacks, {
          campaignId: r['campaignId'],
          ownerAgentId: principal.role === 'agent' ? principal.agentId! : r['ownerAgentId'],
          state: r['state'],
          limit: r['limit'],
          cursor: r['cursor'],
        }),
        (callback) => callback,
      ),

    'AgentService/Reserve': (r) =>
      bus.request(reserveAgentRpc, {
        campaignId: r['campaignId'],
        reservationId: r['reservationId'],
        callId: r['callId'],
        eligibleAgentIds: r['eligibleAgentIds'],
        eligibleGroupIds: r['eligibleGroupIds'],
        requiredSkills: r['requiredSkills'],
        timeoutMs: r['timeoutMs'],
      }),
    'AgentService/ReleaseReservation': (r) =>
      bus.request(releaseReservationRpc, { reservationId: r['reservationId'] }),
    'AgentService/Login': (r, principal) => {
      requireAgentAccess(principal, [r['agentId'] ?? '']);
      return bus.request(loginRpc, { agentId: r['agentId'], extension: r['extension'] });
    },
    'AgentService/Ready': (r, principal) => {
      requireAgentAccess(principal, [r['agentId'] ?? '']);
      return bus.request(readyRpc, { agentId: r['agentId'] });
    },
    'AgentService/NotReady': (r, principal) => {
      requireAgentAccess(principal, [r['agentId'] ?? '']);
      return bus.request(notReadyRpc, { agentId: r['agentId'], reasonCode: r['reasonCode'] });
    },
    'AgentService/Logout': (r, principal) => {
      requireAgentAccess(principal, [r['agentId'] ?? '']);
      return bus.request(logoutRpc, { agentId: r['agentId'] });
    },
    'AgentService/GetStatus': (r, principal) => {
      requireAgentAccess(principal, [r['agentId'] ?? '']);
      return bus.request(getAgentStatusRpc, { agentId: r['agentId'] });
    },
    'AgentService/ManualDial': async (r, principal) => {
      const reply = await dialing.manualDial(
        principal,
        { agentId: r['agentId'] },
        { campaignId: r['campaignId'], contactId: r['contactId'] },
      );
      const { name, fields, ...card } = reply.contact;
      return { ...reply, contact: { ...card, name: name ?? undefined, fields: toStruct(fields) } };
    },
    'AgentService/AcceptPreview': (r, principal) =>
      dialing.acceptPreview(
        principal,
        { agentId: r['agentId'], previewId: r['previewId'] },
        { campaignId: r['campaignId'] },
      ),
    'AgentService/SkipPreview': (r, principal) =>
      dialing.skipPreview(
        principal,
        { agentId: r['agentId'], previewId: r['previewId'] },
        { campaignId: r['campaignId'] },
      ),
  };

  const clientStream: Record<string, ClientStreamHandler> = {
    /** One header message, then the file's bytes: streamed to campaign-service chunk by chunk. */
    'ListService/ImportContacts': async (messages, principal) => {
      const iterator = messages[Symbol.asyncIterator]();
      const first = await iterator.next();
      const header = first.done ? undefined : (first.value['header'] as Req | undefined);
      if (!header)
        throw new AtsError('VALIDATION_FAILED', 'the first message of an import must be its header');
      const columnMap = Object.fromEntries(
        Object.entries((header['columnMap'] ?? {}) as Record<string, string>).map(([k, v]) => [
          COLUMN_KEYS[k] ?? k,
          v,
        ]),
      );
      const start: StartImportRequest = {
        listId: header['listId'],
        format: header['format'] as ImportFormat,
        delimiter: header['delimiter'],
        columns: header['columns'],
        columnMap: Object.keys(columnMap).length ? columnMap : undefined,
        defaultRegion: header['defaultRegion'],
        fileName: header['fileName'],
        totalBytes: header['totalBytes'],
        idempotencyKey: idempotencyKey(principal, header['idempotencyKey']),
      };
      async function* bytes(): AsyncIterable<Buffer> {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          const data = next.value['data'] as Buffer | undefined;
          if (next.value['header'])
            throw new AtsError('VALIDATION_FAILED', 'an import has one header, first');
          if (data?.length) yield data;
        }
      }
      return uploader.importStream(start, bytes());
    },
  };

  return { unary, clientStream };
}
