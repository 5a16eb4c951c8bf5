import { ServerResponse } from 'node:http';
import { z } from 'zod';
import { CHANGE_OPERATIONS, FAULT_KINDS, FaultSpec, ROUTE53_OPERATIONS } from './faults';
import { Logger, sendJson } from './http';
import { DomainName, DomainNameError, parseDomainName } from './names';
import { EmulatorState } from './state';

const faultBody = z
  .strictObject({
    operation: z.enum([...ROUTE53_OPERATIONS, '*']),
    kind: z.enum(FAULT_KINDS),
    count: z.number().int().positive().optional(),
    probability: z.number().gt(0).lte(1).optional(),
    delayMs: z.number().int().nonnegative().max(600_000).optional(),
    forMs: z.number().int().positive().max(3_600_000).optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.kind === 'Delay') !== (body.delayMs !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['delayMs'],
        message: 'delayMs goes with kind Delay, and only with it',
      });
    }
    if (
      body.kind === 'StuckPending' &&
      body.operation !== '*' &&
      !CHANGE_OPERATIONS.includes(body.operation)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['operation'],
        message: `StuckPending holds changes, so operation must be * or one of ${CHANGE_OPERATIONS.join(', ')}`,
      });
    }
  });

const configBody = z.strictObject({
  insyncDelayMs: z.number().int().nonnegative().max(3_600_000).optional(),
  rps: z.number().nonnegative().max(1_000_000).optional(),
  burst: z.number().int().positive().max(1_000_000).optional(),
  maxRecordSetsPerZone: z.number().int().positive().max(100_000_000).optional(),
});

const resetBody = z.strictObject({ keepConfig: z.boolean().optional() });

const zoneBody = z.strictObject({
  name: z.string().min(1).max(1024),
  // The zone's own MAX_RRSETS_BY_ZONE, as AWS support raises it for one zone; null: the default.
  maxRecordSets: z.number().int().positive().max(100_000_000).nullable().optional(),
});

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** JSON endpoints under /_emulator/ for tests, scripts and benchmarks; never throttled. */
export class ControlApi {
  constructor(
    private readonly state: EmulatorState,
    private readonly log: Logger,
  ) {}

  handle(method: string, path: string, body: string, res: ServerResponse): void {
    try {
      const [status, value] = this.dispatch(method, path, body);
      sendJson(res, status, value);
    } catch (error) {
      if (error instanceof ControlError) {
        sendJson(res, error.status, { error: error.message });
        return;
      }
      this.log(`control API error: ${String(error)}`);
      sendJson(res, 500, { error: 'internal error' });
    }
  }

  private dispatch(method: string, path: string, body: string): [number, unknown] {
    const route = `${method} ${path.replace(/\/$/, '')}`;
    switch (route) {
      case 'GET /_emulator/health':
        return [200, { ok: true }];
      case 'GET /_emulator/counters':
        return [200, this.state.counters];
      case 'GET /_emulator/changes':
        return [200, { changes: this.state.changeLog }];
      case 'GET /_emulator/faults':
        return [200, { faults: this.state.faults.list() }];
      case 'POST /_emulator/faults': {
        const fault = this.state.faults.add(toSpec(parse(faultBody, body)));
        this.log(`control: fault ${JSON.stringify(fault)}`);
        return [201, fault];
      }
      case 'DELETE /_emulator/faults':
        this.state.clearFaults();
        this.log('control: faults cleared');
        return [200, { ok: true }];
      case 'POST /_emulator/reset': {
        const { keepConfig } = parse(resetBody, body, true);
        this.state.reset(keepConfig ?? false);
        this.log(`control: reset${keepConfig ? ' (config kept)' : ''}`);
        return [200, { ok: true }];
      }
      case 'GET /_emulator/config':
        return [200, this.state.config];
      case 'POST /_emulator/config': {
        const config = this.state.configure(parse(configBody, body));
        this.log(`control: config ${JSON.stringify(config)}`);
        return [200, config];
      }
      case 'POST /_emulator/zones': {
        const { name, maxRecordSets } = parse(zoneBody, body);
        let domain: DomainName;
        try {
          domain = parseDomainName(name);
        } catch (error) {
          if (error instanceof DomainNameError)
            throw new ControlError(400, `name: ${error.message}`);
          throw error;
        }
        if (domain.labels.length === 0) throw new ControlError(400, 'name: the root is not a zone');
        const { zone, created } = this.state.ensureZone(domain);
        if (created) this.log(`control: zone ${zone.name.canonical} -> ${zone.id}`);
        if (maxRecordSets !== undefined) {
          zone.maxRecordSets = maxRecordSets ?? undefined;
          this.log(`control: zone ${zone.id} holds at most ${this.state.maxRecordSets(zone)}`);
        }
        return [
          created ? 201 : 200,
          {
            id: `/hostedzone/${zone.id}`,
            name: zone.name.canonical,
            maxRecordSets: this.state.maxRecordSets(zone),
          },
        ];
      }
    }
    const known = ['health', 'counters', 'faults', 'reset', 'config', 'zones'].some(
      (p) => path.replace(/\/$/, '') === `/_emulator/${p}`,
    );
    throw known
      ? new ControlError(405, `${method} is not allowed on ${path}`)
      : new ControlError(404, `No control endpoint at ${path}`);
  }
}

function parse<T>(schema: z.ZodType<T>, body: string, emptyAllowed = false): T {
  let value: unknown;
  if (body.trim() === '') {
    if (!emptyAllowed) throw new ControlError(400, 'A JSON body is required');
    value = {};
  } else {
    try {
      value = JSON.parse(body);
    } catch {
      throw new ControlError(400, 'The body is not valid JSON');
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new ControlError(400, z.prettifyError(result.error));
  return result.data;
}

function toSpec(body: z.infer<typeof faultBody>): FaultSpec {
  const base = {
    operation: body.operation,
    kind: body.kind,
    ...(body.delayMs === undefined ? {} : { delayMs: body.delayMs }),
    ...(body.forMs === undefined ? {} : { forMs: body.forMs }),
  };
  if (body.count !== undefined && body.probability === undefined)
    return { ...base, count: body.count };
  if (body.probability !== undefined && body.count === undefined) {
    return { ...base, probability: body.probability };
  }
  throw new ControlError(400, 'Give exactly one of count and probability');
}
