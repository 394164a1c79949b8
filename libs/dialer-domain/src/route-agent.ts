/** What a leased contact says about who may take it (libs/contracts `LeasedContact`'s fields). */
export interface RoutedContact {
  /** The agent the contact was assigned to when its list was split; null: anyone's. */
  ownerAgentId: string | null;
  /** Set while the contact is in the callback lane. */
  callback: { ownerAgentId: string | null } | null;
}

/**
 * The one agent a contact must reach, or null when any agent may take it: a callback's
 * owner ("call me back, ask for me") while it is a callback (an anyone's callback is
 * anyone's, whoever the contact was assigned to), else the agent the contact was assigned
 * to. campaign-service leases by the same rule (ROUTE_AGENT), so a routed contact comes
 * only when its agent is among the ready ones; the dialer then reserves that agent before
 * it dials, in every mode, because a predictive bridge to whoever is free would give the
 * customer someone else.
 */
export function routeAgentOf(contact: RoutedContact): string | null {
  return contact.callback ? contact.callback.ownerAgentId : contact.ownerAgentId;
}
