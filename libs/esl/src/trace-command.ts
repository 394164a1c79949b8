import { SpanKind } from '@opentelemetry/api';
import { withSpan } from '@autotelesale/telemetry';

/** The tracer of every ESL command span. */
export const ESL_TRACER = 'esl';

/**
 * Runs one ESL command in a CLIENT span named `esl <api|bgapi> <verb>` (`esl bgapi
 * originate`, `esl api uuid_bridge`), a child of whatever is active (the pacing tick, the
 * call effect), so a call's commands sit in its trace. Only the verb and the node are
 * recorded: the arguments hold dial strings, that is phone numbers. A failure marks the
 * span with the error's stable code (ESL_TIMEOUT, ESL_COMMAND_FAILED, ...), masked.
 */
export function traceCommand<T>(
  node: string,
  kind: 'api' | 'bgapi',
  command: string,
  send: () => Promise<T>,
): Promise<T> {
  const verb = /^\S{1,64}/.exec(command)?.[0] ?? '';
  return withSpan(
    ESL_TRACER,
    `esl ${kind} ${verb}`,
    { 'esl.node': node, 'esl.command': verb, 'esl.kind': kind },
    send,
    { kind: SpanKind.CLIENT },
  );
}
