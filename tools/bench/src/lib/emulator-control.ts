import { ScenarioError } from './errors';

export interface EmulatorConfig {
  insyncDelayMs: number;
  rps: number;
  burst: number;
  /** MAX_RRSETS_BY_ZONE of every zone without a quota of its own. */
  maxRecordSetsPerZone: number;
}

export interface EmulatorCounters {
  requests: Record<string, number>;
  throttled: number;
  changes: number;
  recordsChanged: number;
}

/** The emulator's control API (tools/route53-emulator/README.md). */
export class EmulatorControl {
  constructor(private readonly apiUrl: string) {}

  async configure(config: Partial<EmulatorConfig>): Promise<void> {
    await this.call('POST', '/_emulator/config', config);
  }

  /** A hosted zone of the scenario's own, holding at most `maxRecordSets` record sets. */
  async createZone(name: string, maxRecordSets: number): Promise<{ id: string; name: string }> {
    const body = await this.call('POST', '/_emulator/zones', { name, maxRecordSets });
    const id = Reflect.get(body, 'id');
    if (typeof id !== 'string') throw new ScenarioError(`emulator gave no zone id for ${name}`);
    return { id, name: String(Reflect.get(body, 'name')) };
  }

  async counters(): Promise<EmulatorCounters> {
    const body = await this.call('GET', '/_emulator/counters');
    return {
      requests: numberMap(Reflect.get(body, 'requests')),
      throttled: Number(Reflect.get(body, 'throttled') ?? 0),
      changes: Number(Reflect.get(body, 'changes') ?? 0),
      recordsChanged: Number(Reflect.get(body, 'recordsChanged') ?? 0),
    };
  }

  private async call(method: string, path: string, body?: unknown): Promise<object> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const parsed: unknown = await response.json();
    if (!response.ok || typeof parsed !== 'object' || parsed === null) {
      throw new ScenarioError(`emulator ${method} ${path}: ${response.status}`);
    }
    return parsed;
  }
}

function numberMap(value: unknown): Record<string, number> {
  const map: Record<string, number> = {};
  if (typeof value !== 'object' || value === null) return map;
  for (const [key, count] of Object.entries(value)) map[key] = Number(count);
  return map;
}

/** What happened between two readings of the counters. */
export function countersDelta(before: EmulatorCounters, after: EmulatorCounters): EmulatorCounters {
  const requests: Record<string, number> = {};
  for (const [operation, count] of Object.entries(after.requests)) {
    requests[operation] = count - (before.requests[operation] ?? 0);
  }
  return {
    requests,
    throttled: after.throttled - before.throttled,
    changes: after.changes - before.changes,
    recordsChanged: after.recordsChanged - before.recordsChanged,
  };
}

export function totalRequests(counters: EmulatorCounters): number {
  return Object.values(counters.requests).reduce((sum, count) => sum + count, 0);
}
