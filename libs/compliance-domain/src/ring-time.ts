/** The regulators' minimum: an unanswered call rings at least this long before the dialer gives up. */
export const MIN_RING_SECONDS = 15;

/** The ring timeout to originate with: the campaign's, never below the minimum, whole seconds. */
export function effectiveRingTimeout(configuredSeconds: number | null | undefined): number {
  const seconds = Number.isFinite(configuredSeconds)
    ? Math.ceil(configuredSeconds as number)
    : MIN_RING_SECONDS;
  return Math.max(MIN_RING_SECONDS, seconds);
}
