/**
 * Every NATS subject, JetStream stream, durable consumer and KV bucket name of
 * AutoTelesale is built here and nowhere else.
 *
 * All names hang off one namespace (`ATS_NAMESPACE`, default `ats`), so that a test
 * run, a demo and a production install never share a stream, and two test runs on
 * one NATS server cannot collide.
 */

export const DEFAULT_NAMESPACE = 'ats';

/** Stream, consumer and bucket names may only hold these characters in JetStream. */
const NAMESPACE_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

export type ServiceName = 'campaign' | 'dialer' | 'agent' | 'reporting' | 'gateway';
export const SERVICE_NAMES: readonly ServiceName[] = ['campaign', 'dialer', 'agent', 'reporting', 'gateway'];

/**
 * Seven digits in a row would make every stream and consumer name of the namespace look
 * like a phone number, and the metrics that carry them as labels are refused (no label
 * may hold a phone number): `/metrics` would fail whole.
 */
const PHONE_LIKE_RUN = /\d{7}/;

export class InvalidNamespaceError extends Error {
  readonly code = 'INVALID_NAMESPACE';
  constructor(namespace: string) {
    super(
      `namespace "${namespace}" must match ${NAMESPACE_PATTERN} (letters, digits, underscore) with no run of 7 digits (it would read as a phone number in metric labels)`,
    );
  }
}

export function createTopology(namespace: string = DEFAULT_NAMESPACE) {
  if (!NAMESPACE_PATTERN.test(namespace) || PHONE_LIKE_RUN.test(namespace))
    throw new InvalidNamespaceError(namespace);
  const ns = namespace;
  const upper = ns.toUpperCase();

  return {
    namespace: ns,

    /** Request/reply subjects (commands and queries between services). */
    rpc: {
      /** `<ns>.rpc.<service>.<name>` for an operation defined with `defineRpc`. */
      subject: (rpc: { service: ServiceName; name: string }) => `${ns}.rpc.${rpc.service}.${rpc.name}`,
      /** A queue group per service, so replicas share requests. */
      queueGroup: (service: ServiceName) => `${ns}-${service}`,
      /**
       * A queue of one replica: every replica then receives the request (the dialer's agent
       * actions go to all, and only the replica that owns the campaign answers).
       */
      instanceQueue: (service: ServiceName, instanceId: string) =>
        `${ns}-${service}-${instanceId.replace(/[^A-Za-z0-9_-]/g, '_')}`,
    },

    /** JetStream streams of facts others build on. */
    streams: {
      calls: { name: `${upper}_CALLS`, subjects: [`${ns}.evt.call.>`] },
      agents: { name: `${upper}_AGENTS`, subjects: [`${ns}.evt.agent.>`] },
      campaigns: { name: `${upper}_CAMPAIGNS`, subjects: [`${ns}.evt.campaign.>`] },
    },

    /** Event subjects, one per aggregate kind: `<ns>.evt.<kind>.<aggregateId>`. */
    events: {
      call: (callId: string) => `${ns}.evt.call.${callId}`,
      agent: (agentId: string) => `${ns}.evt.agent.${agentId}`,
      campaign: (campaignId: string) => `${ns}.evt.campaign.${campaignId}`,
      allCalls: `${ns}.evt.call.>`,
      allAgents: `${ns}.evt.agent.>`,
      allCampaigns: `${ns}.evt.campaign.>`,
    },

    /** Durable consumer names: `<service>_<purpose>`. */
    consumers: {
      durable: (service: ServiceName, purpose: string) => `${ns}_${service}_${purpose}`,
    },

    /** JetStream KV buckets for hot state that needs compare-and-set. */
    kv: {
      agentAvailability: `${ns}_agent_availability`,
      campaignOwnership: `${ns}_campaign_ownership`,
      /** Inbound calls at the gate: the one dialer replica that decides each (create-if-absent). */
      inboundCallClaims: `${ns}_inbound_call_claims`,
      /** What each campaign's pacer has learned, so a replica that takes it over goes on at its pace. */
      pacerStates: `${ns}_pacer_states`,
    },
  } as const;
}

export type Topology = ReturnType<typeof createTopology>;

/** The topology of this process, from `ATS_NAMESPACE`. */
export function topologyFromEnv(env: NodeJS.ProcessEnv = process.env): Topology {
  return createTopology(env['ATS_NAMESPACE'] || DEFAULT_NAMESPACE);
}
