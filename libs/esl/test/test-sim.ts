/**
 * The simulator these tests run against: fs-sim as a child process (libs may not import
 * apps), with this folder's scenario and settings that make calls fast and deterministic.
 */
import { join } from 'node:path';
import { startFsSimProcess, type FsSimProcess, type FsSimProcessOptions } from '@autotelesale/testing';

export type { FsSimProcess };

export const PASSWORD = 'esl-test-pw';

/** Numbers of fs-sim-scenario.json (durations simulated; tests run at time scale 0.01). */
export const NUMBERS = {
  answersShort: '15550000001',
  answersAndStays: '15550000002',
  busy: '15550000486',
  noAnswer: '15550000000',
  ringsForever: '15550000009',
  machine: '15550000777',
};
export const gw = (number: string) => `sofia/gateway/gw1/${number}`;

export function startTestSim(options: FsSimProcessOptions = {}): Promise<FsSimProcess> {
  return startFsSimProcess({
    password: PASSWORD,
    timeScale: 0.01,
    jitterMs: 0,
    heartbeatMs: 0,
    sps: 10_000,
    maxSessions: 100_000,
    scenario: join(__dirname, 'fs-sim-scenario.json'),
    ...options,
  });
}
