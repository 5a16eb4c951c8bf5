import type { CaaRecord as NodeCaaRecord } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { CaaLookupError } from '../errors';
import type { CaaLookup, CaaRecord } from './caa-policy';

/** Where to read CAA: the zone's own servers inside it, other servers (or the system's) above. */
export interface CaaServers {
  /** The hosted zone's apex, e.g. `starchart.example.edu`. */
  zone: string;
  /** Asked directly for names at or under the apex, so that no resolver cache answers. */
  zoneServers: readonly string[];
  /** Asked for the names above the apex, up to the TLD; undefined: the system's resolver. */
  aboveServers: readonly string[] | undefined;
}

/**
 * Reads CAA over DNS. NXDOMAIN and NODATA are an empty set. Above the zone a server that refuses
 * the question is not authoritative there (the emulator serves only its zone): no CAA it knows
 * of. Anything else (SERVFAIL, a timeout) is a retryable error, as a CA also refuses to issue
 * when CAA cannot be read.
 */
export function dnsCaaLookup(servers: CaaServers): CaaLookup {
  return async (name) => {
    const inZone = name === servers.zone || name.endsWith(`.${servers.zone}`);
    const list = inZone ? servers.zoneServers : servers.aboveServers;
    const failures: string[] = [];
    for (const server of list ?? [undefined]) {
      const resolver = new Resolver({ timeout: 2_000, tries: 2 });
      if (server !== undefined) resolver.setServers([server]);
      try {
        return (await resolver.resolveCaa(name)).flatMap(toCaaRecord);
      } catch (error) {
        const code = codeOf(error);
        if (code === 'ENODATA' || code === 'ENOTFOUND') return [];
        if (!inZone && (code === 'EREFUSED' || code === 'ENOTIMP')) return [];
        failures.push(`${server ?? 'the system resolver'}: ${code ?? String(error)}`);
      }
    }
    throw new CaaLookupError(`could not read CAA at ${name} (${failures.join('; ')})`);
  };
}

/** Node gives each record as `{ critical, <tag>: value }`. */
function toCaaRecord(record: NodeCaaRecord): CaaRecord[] {
  const { critical, ...properties } = record as NodeCaaRecord & Record<string, unknown>;
  return Object.entries(properties).flatMap(([tag, value]) =>
    typeof value === 'string' ? [{ flags: critical, tag: tag.toLowerCase(), value }] : [],
  );
}

// Not `instanceof Error`: node's DNS errors come from another realm under Jest.
function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined;
}
