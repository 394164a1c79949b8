import { context, diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { Logger } from 'pino';
import { getInstanceId } from '../instance-id';
import { tracingConfigFromEnv } from './tracing-config';

export interface StartTracingOptions {
  /** `service.name`, unless `OTEL_SERVICE_NAME` overrides it (operators may rename). */
  serviceName: string;
  serviceVersion?: string;
  /**
   * Where the SDK's own warnings and errors go (an export that fails, a bad variable);
   * without it they become process warnings on stderr.
   */
  logger?: Logger;
  /** Longest `shutdown()` may wait for the last spans to be exported; 5 s by default. */
  shutdownTimeoutMs?: number;
}

export interface TracingHandle {
  /** Whether the SDK was started, and why (for the start-up log line). */
  readonly enabled: boolean;
  readonly reason: string;
  /**
   * Flushes pending spans and stops the SDK; safe to call more than once. Never rejects and
   * never waits longer than `shutdownTimeoutMs`: a collector that is down must not hold up
   * or fail a service's graceful shutdown. A failure is reported, not thrown.
   */
  shutdown(): Promise<void>;
}

type SdkNode = typeof import('@opentelemetry/sdk-node');

function loadSdkNode(): SdkNode {
  // Loaded only when tracing is on: the SDK and its exporters take ~300 ms to require, a
  // cost every test file that imports this lib would otherwise pay for nothing.
  return require('@opentelemetry/sdk-node') as SdkNode;
}

function diagTo(logger: Logger): DiagLogger {
  const child = logger.child({ component: 'opentelemetry' });
  return {
    error: (message, ...args) => child.error({ args }, message),
    warn: (message, ...args) => child.warn({ args }, message),
    info: (message, ...args) => child.info({ args }, message),
    debug: (message, ...args) => child.debug({ args }, message),
    verbose: (message, ...args) => child.trace({ args }, message),
  };
}

/**
 * Starts the OpenTelemetry Node SDK for traces when the standard `OTEL_*` variables ask for
 * it (see `tracingConfigFromEnv`), and otherwise returns a handle that does nothing, so no
 * collector is ever needed. Exporter, endpoint, protocol, sampler and propagators all come
 * from the same variables. Only traces: metrics are prom-client's and logs are pino's, so the
 * SDK's metric and log pipelines are turned off rather than left exporting to a default OTLP
 * endpoint. No auto-instrumentation is loaded; spans come from `withSpan`.
 *
 * Call it first in `main.ts`, before the app starts work, and call `shutdown()` on exit.
 */
export function startTracing(options: StartTracingOptions): TracingHandle {
  const decision = tracingConfigFromEnv(process.env);
  if (!decision.enabled) {
    // Without the SDK the API still needs a context manager for the active context to follow
    // async calls; with one, a trace received in headers is passed on to the next hop and
    // stamped on log lines even though this service records no spans.
    const registered = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    return {
      enabled: false,
      reason: decision.reason,
      shutdown: () => {
        if (registered) context.disable();
        return Promise.resolve();
      },
    };
  }
  if (options.logger)
    diag.setLogger(diagTo(options.logger), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

  const { NodeSDK, resources } = loadSdkNode();
  const attributes: Record<string, string> = { 'service.instance.id': getInstanceId() };
  if (options.serviceVersion) attributes['service.version'] = options.serviceVersion;
  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME is read by the SDK's env detector; an explicit name would override it.
    ...(process.env['OTEL_SERVICE_NAME']?.trim() ? {} : { serviceName: options.serviceName }),
    resource: resources.resourceFromAttributes(attributes),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  return {
    enabled: true,
    reason: decision.reason,
    shutdown: () => (stopping ??= boundedShutdown(sdk, options)),
  };
}

async function boundedShutdown(
  sdk: { shutdown(): Promise<void> },
  options: StartTracingOptions,
): Promise<void> {
  const timeoutMs = options.shutdownTimeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([sdk.shutdown().then(() => 'done' as const), timeout]);
    if (outcome === 'timeout')
      report(options, `tracing shutdown gave up after ${timeoutMs} ms; unexported spans are lost`);
  } catch (error) {
    report(options, 'tracing shutdown could not export the last spans', error);
  } finally {
    clearTimeout(timer);
  }
}

function report(options: StartTracingOptions, message: string, error?: unknown): void {
  if (options.logger) {
    options.logger.warn(error === undefined ? {} : { err: error }, message);
  } else {
    process.emitWarning(error instanceof Error ? `${message}: ${error.message}` : message, 'TracingWarning');
  }
}
