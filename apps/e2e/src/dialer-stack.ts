import { startStackForTest, type StackMember, type StackUnderTest } from '@autotelesale/service-testing';
import { collectCallEvents, scenario } from './dialer-fixtures';
import { SERVICES } from './stack';
import { FS_SIM_TIME_SCALE, startSwitchUnderTest, type SwitchUnderTest } from './switch-under-test';

/** A dialing spec's world: the switch under test, the services, and every call event they publish. */
export interface DialerStack {
  fs: SwitchUnderTest;
  stack: StackUnderTest;
  calls: ReturnType<typeof collectCallEvents>;
}

/**
 * One switch (fs-sim at FS_SIM_TIME_SCALE with the customers of CUSTOMER_BEHAVIOURS and
 * these agent seats, or the external FreeSWITCH) and campaign-service, agent-service and
 * one dialer replica (short ownership lease, 5 s drain), plus `services` after them.
 */
export async function startDialerStack(options: {
  extensions: string[];
  dialerId: string;
  services?: StackMember[];
  env?: Record<string, string>;
}): Promise<DialerStack> {
  const fs = await startSwitchUnderTest({
    nodes: 1,
    scenario: scenario(options.extensions),
    timeScale: FS_SIM_TIME_SCALE,
  });
  try {
    const stack = await startStackForTest(
      [SERVICES.campaign, SERVICES.agent, SERVICES.dialer, ...(options.services ?? [])],
      {
        ATS_FS_NODES: fs.nodesEnv,
        ATS_DIALER_ID: options.dialerId,
        ATS_DIALER_OWNERSHIP_LEASE_MS: '1500',
        ATS_DIALER_DRAIN_TIMEOUT_MS: '5000',
        ...options.env,
      },
    );
    return { fs, stack, calls: collectCallEvents(stack.bus) };
  } catch (error) {
    await fs.stop();
    throw error;
  }
}

/** Stops what `startDialerStack` started (any part may be missing after a failed start). */
export async function stopDialerStack(world: Partial<DialerStack>): Promise<void> {
  world.calls?.stop();
  await world.stack?.stop();
  await world.fs?.stop();
}
