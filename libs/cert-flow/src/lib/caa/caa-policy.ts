/**
 * CAA as a CA reads it (RFC 8659), so an order CAA forbids fails before it costs the CA a failed
 * validation. Pure: DNS comes in through `CaaLookup`.
 */

/** One CAA record: its flags, its tag (lower case) and its value. */
export interface CaaRecord {
  flags: number;
  tag: string;
  value: string;
}

/** The CAA RRset at exactly `name`; [] when there is none (NXDOMAIN or no CAA there). */
export type CaaLookup = (name: string) => Promise<CaaRecord[]>;

export type CaaDecision =
  | { allowed: true; relevantAt: string | null }
  | { allowed: false; relevantAt: string; reason: string };

/** RFC 8659 4.1: the issuer critical flag. */
const CRITICAL = 128;
/** The tags this check understands; a critical record with any other tag forbids issuance. */
const KNOWN_TAGS = new Set(['issue', 'issuewild', 'iodef']);
/** How Starchart proves control (RFC 8657 `validationmethods`). */
const OUR_METHOD = 'dns-01';

/**
 * The relevant RRset for `domain` (RFC 8659 3): the CAA set at the name itself, else at its
 * parent, and so on up to the top-level domain; the first non-empty set wins. A wildcard name is
 * looked up without its `*.`.
 */
export async function relevantCaaSet(
  domain: string,
  lookup: CaaLookup,
): Promise<{ at: string; records: CaaRecord[] } | null> {
  const labels = baseName(domain).split('.');
  for (let i = 0; i < labels.length; i += 1) {
    const at = labels.slice(i).join('.');
    const records = await lookup(at);
    if (records.length > 0) return { at, records };
  }
  return null;
}

/** Whether a CA known by any of `identities` may issue for `domain`, and if not, why. */
export async function checkCaa(
  domain: string,
  identities: readonly string[],
  lookup: CaaLookup,
): Promise<CaaDecision> {
  const relevant = await relevantCaaSet(domain, lookup);
  if (!relevant) return { allowed: true, relevantAt: null };
  const problem = caaProblem(domain, relevant.records, identities);
  return problem === undefined
    ? { allowed: true, relevantAt: relevant.at }
    : {
        allowed: false,
        relevantAt: relevant.at,
        reason: `CAA at ${relevant.at} forbids ${describeIdentities(identities)} to issue for ${domain}: ${problem}`,
      };
}

/**
 * Why the relevant set forbids issuance to `identities`, or undefined (RFC 8659 4.2, 4.3): a
 * critical record of an unknown tag forbids everyone; for a wildcard the issuewild records rule if
 * there are any, else the issue records; no such record leaves issuance open; otherwise one of
 * them must name one of our identities (and, if it limits methods, allow dns-01).
 */
export function caaProblem(
  domain: string,
  records: readonly CaaRecord[],
  identities: readonly string[],
): string | undefined {
  const unknownCritical = records.find(
    (record) => (record.flags & CRITICAL) !== 0 && !KNOWN_TAGS.has(record.tag),
  );
  if (unknownCritical) {
    return `the critical record ${show(unknownCritical)} has a tag no CA may ignore`;
  }
  const wildcard = domain.startsWith('*.');
  const issuewild = records.filter((record) => record.tag === 'issuewild');
  const rules =
    wildcard && issuewild.length > 0 ? issuewild : records.filter((r) => r.tag === 'issue');
  if (rules.length === 0) return undefined;
  const ours = new Set(identities.map((identity) => identity.toLowerCase()));
  if (rules.some((record) => authorises(record.value, ours))) return undefined;
  return `it allows only ${rules.map(show).join(', ')}`;
}

/** RFC 8659 4.2: `issuer-domain-name *(";" name=value)`; an empty issuer authorises no one. */
function authorises(value: string, identities: ReadonlySet<string>): boolean {
  const [issuer = '', ...parameters] = value.split(';').map((part) => part.trim());
  if (issuer === '' || !identities.has(issuer.toLowerCase())) return false;
  const methods = parameters
    .map((parameter) => /^validationmethods\s*=\s*(\S*)$/i.exec(parameter)?.[1])
    .find((found) => found !== undefined);
  return methods === undefined || methods.toLowerCase().split(',').includes(OUR_METHOD);
}

function baseName(domain: string): string {
  return domain.replace(/^\*\./, '').replace(/\.$/, '').toLowerCase();
}

function show(record: CaaRecord): string {
  return `${record.flags} ${record.tag} "${record.value}"`;
}

function describeIdentities(identities: readonly string[]): string {
  return identities.length === 1
    ? `the CA ${identities[0] ?? ''}`
    : `the CAs ${identities.join(', ')}`;
}
