import { z } from 'zod';

/**
 * Call recording (issue 7, seed 003): per campaign, whether the dialer records its calls
 * (`uuid_record` on the customer leg), from which moment, and where the switch writes the
 * files. The path ends up in the call's facts (`call.ended` `recordingPath`).
 */

/**
 * `bridge`: only the conversation with the agent (from the bridge). `answer`: from the
 * customer's answer, so hold music, the intro and detection are on the recording too.
 */
export const RecordingStart = z.enum(['answer', 'bridge']);
export type RecordingStart = z.infer<typeof RecordingStart>;

/**
 * A directory on the FreeSWITCH node: absolute, no `..` segment, at most 200 characters
 * of letters, digits and `. _ - /`. The path goes into an ESL command line, where a space
 * would split the argument and a newline would start another command.
 */
export const RecordingDirectory = z
  .string()
  .max(200, 'at most 200 characters')
  .regex(/^\/[A-Za-z0-9._/-]*$/, 'an absolute path of letters, digits and . _ - / only')
  .refine((dir) => !dir.split('/').includes('..'), 'no .. segment');

export const RecordingSettings = z.object({
  /** Record the campaign's answered calls (default false). */
  enabled: z.boolean(),
  /** When the recording starts (default `bridge`). */
  from: RecordingStart,
  /** Where the node writes them; absent or null: the dialer's `ATS_RECORDINGS_DIR`. */
  directory: RecordingDirectory.nullable().optional(),
});
export type RecordingSettings = z.infer<typeof RecordingSettings>;

/** Create and update: any subset; `directory: null` goes back to the dialer's directory. */
export const RecordingSettingsInput = RecordingSettings.partial().strict();

export const RECORDING_DEFAULTS: RecordingSettings = { enabled: false, from: 'bridge' };
