import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Telemetry } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';

/**
 * `serviceName` is the `service.name` of every span (starchart-api, starchart-worker). Spans go
 * to an OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, its base URL: spans go to
 * `<endpoint>/v1/traces`), or to an exporter a test holds.
 */
export type TracingOptions = { serviceName: string } & (
  { endpoint: string } | { exporter: SpanExporter }
);

/** The name BullMQ's spans are created under. */
const TRACER_NAME = 'starchart';

/**
 * One process's tracing: the OpenTelemetry SDK registered globally (AsyncLocalStorage context,
 * W3C trace context), spans exported over OTLP in batches, and the BullMQ telemetry that carries
 * the context from the api's request into every job of its flow. Started only when configured:
 * without it no SDK is loaded and the OpenTelemetry API stays a no-op.
 */
export class Tracing {
  private constructor(
    /** Give it to every Queue, FlowProducer and Worker as their `telemetry` option. */
    readonly bullmq: Telemetry,
    private readonly stop: () => Promise<void>,
  ) {}

  static async start(options: TracingOptions): Promise<Tracing> {
    // Loaded here, not at the top: a process without tracing never loads the SDK.
    const [{ NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor }, resources, otlp] =
      await Promise.all([
        import('@opentelemetry/sdk-trace-node'),
        import('@opentelemetry/resources'),
        import('@opentelemetry/exporter-trace-otlp-http'),
      ]);
    const processor =
      'exporter' in options
        ? new SimpleSpanProcessor(options.exporter)
        : new BatchSpanProcessor(
            new otlp.OTLPTraceExporter({
              url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces`,
            }),
          );
    const provider = new NodeTracerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': options.serviceName }),
      spanProcessors: [processor],
    });
    provider.register();
    return new Tracing(new BullMQOtel({ tracerName: TRACER_NAME }), () => provider.shutdown());
  }

  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void> {
    return this.stop();
  }
}
