import type { GatewayRole } from '@autotelesale/contracts';

/**
 * Who may call each gRPC method, `<Service>/<Method>`. A method missing here is refused
 * (deny by default); the permission snapshot test lists this table next to the REST one.
 * An agent reaches only its own session, dialing, dispositions and screen-pops.
 */
export const GRPC_METHOD_ROLES: Readonly<Record<string, readonly GatewayRole[]>> = {
  'CampaignService/CreateCampaign': ['admin', 'supervisor'],
  'CampaignService/GetCampaign': ['admin', 'supervisor', 'agent'],
  'CampaignService/ListCampaigns': ['admin', 'supervisor'],
  'CampaignService/TransitionCampaign': ['admin', 'supervisor'],
  'CampaignService/GetCampaignStats': ['admin', 'supervisor'],
  'ListService/CreateList': ['admin', 'supervisor'],
  'ListService/ListLists': ['admin', 'supervisor'],
  'ListService/ImportContacts': ['admin', 'supervisor'],
  'ListService/GetImportStatus': ['admin', 'supervisor'],
  'ListService/ListImportRejects': ['admin', 'supervisor'],
  'ListService/ListImportWarnings': ['admin', 'supervisor'],
  'ContactService/GetContact': ['admin', 'supervisor'],
  'ContactService/ListContacts': ['admin', 'supervisor'],
  'ContactService/LeaseContacts': ['admin', 'supervisor'],
  'ContactService/RecordOutcome': ['admin', 'supervisor'],
  'DispositionService/RecordDisposition': ['admin', 'supervisor', 'agent'],
  'DispositionService/ListDispositions': ['admin', 'supervisor', 'agent'],
  'DispositionService/ScheduleCallback': ['admin', 'supervisor', 'agent'],
  'DispositionService/ListCallbacks': ['admin', 'supervisor', 'agent'],
  'AgentService/Reserve': ['admin', 'supervisor'],
  'AgentService/ReleaseReservation': ['admin', 'supervisor'],
  'AgentService/Login': ['admin', 'supervisor', 'agent'],
  'AgentService/Ready': ['admin', 'supervisor', 'agent'],
  'AgentService/NotReady': ['admin', 'supervisor', 'agent'],
  'AgentService/Logout': ['admin', 'supervisor', 'agent'],
  'AgentService/GetStatus': ['admin', 'supervisor', 'agent'],
  'AgentService/ManualDial': ['admin', 'supervisor', 'agent'],
  'AgentService/AcceptPreview': ['admin', 'supervisor', 'agent'],
  'AgentService/SkipPreview': ['admin', 'supervisor', 'agent'],
  'EventService/WatchCallResults': ['admin', 'supervisor'],
  'EventService/WatchCallRecords': ['admin', 'supervisor'],
  'EventService/WatchScreenPops': ['admin', 'supervisor', 'agent'],
};
