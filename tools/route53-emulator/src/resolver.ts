import type { Answer, Question } from 'dns-packet';
import { DomainName, fromWireText, isInZone, nameFromLabels, namesUpTo, toWireText } from './names';
import { RecordData } from './rdata';
import { RecordSet } from './record-sets';
import { PublishedZone } from './store';

export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const;

export interface Resolution {
  readonly rcode: number;
  readonly authoritative: boolean;
  readonly answers: Answer[];
  readonly authorities: Answer[];
  readonly additionals: Answer[];
}

/** Enough for any sane chain, and a stop for CNAME loops. */
const MAX_CNAME_HOPS = 8;

/**
 * Answers one question from the published (INSYNC) zones as Route 53's name servers would:
 * authoritative answers, CNAME chains within the zone, wildcards (RFC 4592), NXDOMAIN versus
 * NODATA with the SOA for negative caching, referrals below delegations, REFUSED elsewhere.
 */
export function resolve(zones: readonly PublishedZone[], question: Question): Resolution {
  const qname = fromWireText(question.name);
  const qtype: string = question.type;
  const zone =
    question.class === undefined || question.class === 'IN' ? closestZone(zones, qname) : undefined;
  if (!zone)
    return {
      rcode: RCODE.REFUSED,
      authoritative: false,
      answers: [],
      authorities: [],
      additionals: [],
    };

  const answers: Answer[] = [];
  const visited = new Set<string>();
  let name = qname;
  let owner = question.name;
  for (let hop = 0; hop < MAX_CNAME_HOPS && !visited.has(name.canonical); hop += 1) {
    visited.add(name.canonical);
    const cut = delegationCut(zone, name);
    if (cut) return answers.length > 0 ? authoritative(answers) : referral(zone, cut);

    let sets = zone.records.at(name.canonical);
    if (sets.length === 0 && !zone.records.exists(name.canonical)) {
      const wildcard = wildcardFor(zone, name);
      if (!wildcard) return negative(zone, RCODE.NXDOMAIN, answers);
      sets = zone.records.at(wildcard.canonical);
    }
    if (qtype === 'ANY')
      return authoritative([...answers, ...sets.flatMap((s) => toAnswers(s, owner))]);
    const match = sets.find((s) => s.type === qtype);
    if (match) return authoritative([...answers, ...toAnswers(match, owner)]);
    const cname = sets.find((s) => s.type === 'CNAME');
    const target = cname?.data[0];
    if (!cname || target?.type !== 'CNAME') return negative(zone, RCODE.NOERROR, answers);
    answers.push(...toAnswers(cname, owner));
    if (!isInZone(target.target, zone.name)) break;
    name = target.target;
    owner = toWireText(name);
  }
  return authoritative(answers);
}

function closestZone(zones: readonly PublishedZone[], name: DomainName): PublishedZone | undefined {
  let best: PublishedZone | undefined;
  for (const zone of zones) {
    if (!isInZone(name, zone.name)) continue;
    if (!best || zone.name.labels.length > best.name.labels.length) best = zone;
  }
  return best;
}

/** The highest name below the apex, at or above `name`, that holds NS records. */
function delegationCut(zone: PublishedZone, name: DomainName): RecordSet | undefined {
  const candidates = namesUpTo(name, zone.name).slice(0, -1).reverse();
  for (const candidate of candidates) {
    const ns = zone.records.get(candidate.canonical, 'NS');
    if (ns) return ns;
  }
  return undefined;
}

/** `*.<closest encloser>` when it owns records; the closest encloser is the nearest existing ancestor. */
function wildcardFor(zone: PublishedZone, name: DomainName): DomainName | undefined {
  for (const ancestor of namesUpTo(name, zone.name).slice(1)) {
    if (!zone.records.exists(ancestor.canonical)) continue;
    const wildcard = nameFromLabels(['*', ...ancestor.labels]);
    return zone.records.at(wildcard.canonical).length > 0 ? wildcard : undefined;
  }
  return undefined;
}

function authoritative(answers: Answer[]): Resolution {
  return { rcode: RCODE.NOERROR, authoritative: true, answers, authorities: [], additionals: [] };
}

/** NXDOMAIN or NODATA: the zone's SOA in authority, its TTL capped by the SOA minimum (RFC 2308). */
function negative(zone: PublishedZone, rcode: number, answers: Answer[]): Resolution {
  const soa = zone.records.get(zone.name.canonical, 'SOA');
  const data = soa?.data[0];
  const authorities =
    soa && data?.type === 'SOA'
      ? toAnswers({ ...soa, ttl: Math.min(soa.ttl, data.minimum) }, toWireText(zone.name))
      : [];
  return { rcode, authoritative: true, answers, authorities, additionals: [] };
}

function referral(zone: PublishedZone, cut: RecordSet): Resolution {
  const glue: Answer[] = [];
  for (const data of cut.data) {
    if (data.type !== 'NS' || !isInZone(data.target, zone.name)) continue;
    for (const type of ['A', 'AAAA'] as const) {
      const set = zone.records.get(data.target.canonical, type);
      if (set) glue.push(...toAnswers(set, toWireText(set.name)));
    }
  }
  return {
    rcode: RCODE.NOERROR,
    authoritative: false,
    answers: [],
    authorities: toAnswers(cut, toWireText(cut.name)),
    additionals: glue,
  };
}

function toAnswers(set: RecordSet, owner: string): Answer[] {
  return set.data.map((data) => toAnswer(data, owner, set.ttl));
}

function toAnswer(data: RecordData, name: string, ttl: number): Answer {
  const common = { name, ttl, class: 'IN' as const };
  switch (data.type) {
    case 'A':
    case 'AAAA':
      return { ...common, type: data.type, data: data.address };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { ...common, type: data.type, data: toWireText(data.target) };
    case 'MX':
      return {
        ...common,
        type: 'MX',
        data: { preference: data.preference, exchange: toWireText(data.exchange) },
      };
    case 'TXT':
      return { ...common, type: 'TXT', data: [...data.strings] };
    case 'CAA':
      return {
        ...common,
        type: 'CAA',
        data: { flags: data.flags, tag: data.tag, value: data.value },
      };
    case 'SRV':
      return {
        ...common,
        type: 'SRV',
        data: {
          priority: data.priority,
          weight: data.weight,
          port: data.port,
          target: toWireText(data.target),
        },
      };
    case 'SOA':
      return {
        ...common,
        type: 'SOA',
        data: {
          mname: toWireText(data.mname),
          rname: toWireText(data.rname),
          serial: data.serial,
          refresh: data.refresh,
          retry: data.retry,
          expire: data.expire,
          minimum: data.minimum,
        },
      };
  }
}
