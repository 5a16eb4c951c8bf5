import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { uniqueId } from '@starchart/testing';
import { Tracing } from '@starchart/telemetry/tracing';
import { createServer, type Server } from 'node:http';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { certEnv, waitForCertificate } from '../../test/support/certificates';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';

jest.setTimeout(60_000);

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

/** Stands in for an OpenTelemetry collector: keeps every span posted to /v1/traces (OTLP/JSON). */
async function startCollector(): Promise<{ server: Server; url: string; spans: ExportedSpan[] }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as {
          resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[];
        };
        for (const resource of payload.resourceSpans)
          for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('collector not listening');
  return { server, url: `http://127.0.0.1:${address.port}`, spans };
}

describe('traces through the record and certificate flows', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let api: ApiHarness;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    tracing = await Tracing.start({ serviceName: 'starchart-api', exporter });
    collector = await startCollector();
    api = await startApi({ tracing, env: certEnv() });
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    collector?.server.close();
  });

  it('puts POST /api/v1/records and every job of its flow, in the worker, in one trace', async () => {
    worker = await startWorker({ ...api.env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    const token = await api.token(uniqueId('alice'));
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const created = await api.request('POST', '/api/v1/records', {
      token,
      body: { name: 'traced', type: 'A', value: '192.0.2.40' },
      headers: { traceparent },
    });
    expect(created.status).toBe(202);
    const id = (created.json as { id: string }).id;
    const deadline = Date.now() + 30_000;
    while ((await api.dbRecords('id = ?', [id]))[0]?.['status'] !== 'active') {
      if (Date.now() > deadline) throw new Error(`never active:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Stopping the worker flushes its batch of spans to the collector.
    await worker.stop();
    worker = undefined;

    const post = exporter.getFinishedSpans().find((span) => span.name === 'POST /api/v1/records');
    expect(post).toBeDefined();
    const { traceId, spanId } = post?.spanContext() ?? { traceId: '', spanId: '' };
    // The caller's traceparent is continued.
    expect(traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(post?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');

    const inTrace = collector.spans.filter((span) => span.traceId === traceId);
    const processed = new Set(
      inTrace.filter((span) => span.name.startsWith('process ')).map((span) => span.name),
    );
    expect([...processed].sort()).toEqual([
      'process add-db-record',
      'process check-dns-status',
      'process create-dns-record',
      'process sync-db-status',
    ]);
    // Each job's span hangs off the request's span: the request is the trace's root here.
    for (const span of inTrace.filter((s) => s.name.startsWith('process ')))
      expect(span.parentSpanId).toBe(spanId);
    // No step of this flow started a trace of its own (scheduled jobs, such as the expiry run,
    // rightly do).
    const strays = collector.spans.filter(
      (span) => processed.has(span.name) && span.traceId !== traceId,
    );
    expect(strays).toEqual([]);
  });

  it('puts POST /api/v1/certificates and every job of the order, in the worker, in one trace', async () => {
    worker = await startWorker({ ...api.env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    const token = await api.token(uniqueId('carol'));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const ordered = await api.request('POST', '/api/v1/certificates', {
      token,
      headers: { traceparent },
    });
    expect(ordered.status).toBe(202);
    const id = (ordered.json as { id: string }).id;
    await waitForCertificate(api, token, id, 'issued', worker);
    await worker.stop();
    worker = undefined;

    const post = exporter
      .getFinishedSpans()
      .find(
        (span) =>
          span.name === 'POST /api/v1/certificates' &&
          span.spanContext().traceId === '4bf92f3577b34da6a3ce929d0e0e4736',
      );
    expect(post).toBeDefined();
    const processed = new Set(
      collector.spans
        .filter(
          (span) =>
            span.traceId === '4bf92f3577b34da6a3ce929d0e0e4736' && span.name.startsWith('process '),
        )
        .map((span) => span.name),
    );
    expect([...processed].sort()).toEqual([
      'process check-challenge-dns',
      'process cleanup-challenge',
      'process create-acme-order',
      'process finalize-certificate',
      'process validate-challenges',
      'process write-challenge-record',
    ]);
  });
});
