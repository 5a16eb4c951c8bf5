import { DomainNameError, parseDomainName } from './names';

export interface CliOptions {
  readonly host: string;
  readonly port: number;
  readonly dnsPort: number;
  readonly insyncDelayMs: number;
  readonly rps: number;
  readonly burst: number;
  readonly maxRecordSetsPerZone: number;
  readonly zones: readonly string[];
}

export type CliParse =
  | { readonly kind: 'run'; readonly options: CliOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

type Setting = Exclude<keyof CliOptions, 'zones'>;

interface SettingSpec<T> {
  readonly flag: string;
  readonly env: string;
  readonly defaultValue: string;
  readonly read: (text: string) => T | undefined;
  readonly expected: string;
}

const SETTINGS: { readonly [K in Setting]: SettingSpec<CliOptions[K]> } = {
  port: {
    flag: '--port',
    env: 'EMULATOR_PORT',
    defaultValue: '4580',
    read: (t) => integer(t, 0, 65535),
    expected: 'a port from 0 to 65535 (0 picks a free one)',
  },
  dnsPort: {
    flag: '--dns-port',
    env: 'EMULATOR_DNS_PORT',
    defaultValue: '1053',
    read: (t) => integer(t, 0, 65535),
    expected: 'a port from 0 to 65535 (0 picks a free one)',
  },
  insyncDelayMs: {
    flag: '--insync-delay-ms',
    env: 'EMULATOR_INSYNC_DELAY_MS',
    defaultValue: '2000',
    read: (t) => integer(t, 0, 3_600_000),
    expected: 'milliseconds from 0 to 3600000',
  },
  rps: {
    flag: '--rps',
    env: 'EMULATOR_RPS',
    defaultValue: '5',
    read: (t) => (/^[0-9]+(\.[0-9]+)?$/.test(t) ? Number(t) : undefined),
    expected: 'requests per second, 0 or more (0 turns throttling off)',
  },
  burst: {
    flag: '--burst',
    env: 'EMULATOR_BURST',
    defaultValue: '5',
    read: (t) => integer(t, 1, 1_000_000),
    expected: 'a whole number of requests from 1 to 1000000',
  },
  maxRecordSetsPerZone: {
    flag: '--max-rrsets-per-zone',
    env: 'EMULATOR_MAX_RRSETS_PER_ZONE',
    defaultValue: '10000',
    read: (t) => integer(t, 1, 100_000_000),
    expected: 'a whole number of record sets from 1 to 100000000',
  },
  host: {
    flag: '--host',
    env: 'EMULATOR_HOST',
    defaultValue: '127.0.0.1',
    read: (t) => (/^[^\s/]+$/.test(t) ? t : undefined),
    expected: 'an address or host name to bind to',
  },
};

const ZONE_FLAG = '--zone';
const ZONE_ENV = 'EMULATOR_ZONE';

export const USAGE = `Usage: route53-emulator [options]

A Route 53 REST-XML API and an authoritative DNS server (UDP and TCP) for its INSYNC records.

Options (each also settable through the environment variable shown):
  --port N              HTTP port of the API             EMULATOR_PORT             (4580)
  --dns-port N          UDP and TCP port of the DNS      EMULATOR_DNS_PORT         (1053)
  --insync-delay-ms N   time from PENDING to INSYNC      EMULATOR_INSYNC_DELAY_MS  (2000)
  --rps N               token bucket refill per second   EMULATOR_RPS              (5; 0 = no limit)
  --burst N             token bucket size                EMULATOR_BURST            (5)
  --max-rrsets-per-zone N  record sets a zone may hold  EMULATOR_MAX_RRSETS_PER_ZONE (10000)
  --host ADDRESS        address to bind both servers to  EMULATOR_HOST             (127.0.0.1)
  --zone NAME[=ID]      hosted zone to create at start   EMULATOR_ZONE             (none; repeat the
                        (ID fixes its id, e.g. Z0LOCAL)                            flag, or separate names with commas)
  -h, --help            show this text

Port 0 picks a free port. When ready, one JSON line goes to stdout:
  {"event":"ready","apiUrl":"http://127.0.0.1:4580","dnsPort":1053,"zones":[{"name":"example.com.","id":"/hostedzone/Z..."}]}`;

class CliError extends Error {}

/** Flags win over environment variables, which win over the defaults. */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliParse {
  const fromFlags = new Map<Setting, string>();
  const zoneFlags: string[] = [];
  const byFlag = new Map(
    (Object.keys(SETTINGS) as Setting[]).map((key) => [SETTINGS[key].flag, key]),
  );

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (!arg.startsWith('--')) return { kind: 'error', message: `Unexpected argument '${arg}'` };
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    let value: string | undefined;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined) return { kind: 'error', message: `Missing value for ${flag}` };
    if (flag === ZONE_FLAG) {
      zoneFlags.push(value);
      continue;
    }
    const key = byFlag.get(flag);
    if (!key) return { kind: 'error', message: `Unknown option ${flag}` };
    if (fromFlags.has(key)) return { kind: 'error', message: `${flag} is given more than once` };
    fromFlags.set(key, value);
  }

  const settle = <K extends Setting>(key: K): CliOptions[K] => {
    const spec: SettingSpec<CliOptions[K]> = SETTINGS[key];
    const flagValue = fromFlags.get(key);
    const envValue = env[spec.env];
    const [source, text] =
      flagValue !== undefined
        ? [spec.flag, flagValue]
        : envValue !== undefined && envValue !== ''
          ? [spec.env, envValue]
          : ['default', spec.defaultValue];
    const value = spec.read(text.trim());
    if (value === undefined)
      throw new CliError(`Invalid ${source} '${text}': expected ${spec.expected}`);
    return value;
  };
  let settings: Omit<CliOptions, 'zones'>;
  try {
    settings = {
      host: settle('host'),
      port: settle('port'),
      dnsPort: settle('dnsPort'),
      insyncDelayMs: settle('insyncDelayMs'),
      rps: settle('rps'),
      burst: settle('burst'),
      maxRecordSetsPerZone: settle('maxRecordSetsPerZone'),
    };
  } catch (error) {
    if (error instanceof CliError) return { kind: 'error', message: error.message };
    throw error;
  }

  const zoneSource = zoneFlags.length > 0 ? ZONE_FLAG : ZONE_ENV;
  const zoneTexts =
    zoneFlags.length > 0
      ? zoneFlags
      : (env[ZONE_ENV] ?? '')
          .split(',')
          .map((z) => z.trim())
          .filter((z) => z !== '');
  for (const zone of zoneTexts) {
    const problem = zoneProblem(zone);
    if (problem) return { kind: 'error', message: `Invalid ${zoneSource} '${zone}': ${problem}` };
  }

  return { kind: 'run', options: { ...settings, zones: zoneTexts } };
}

function integer(text: string, min: number, max: number): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

function zoneProblem(zone: string): string | undefined {
  const { name, id } = splitZoneSpec(zone);
  if (id !== undefined && !ZONE_ID.test(id)) {
    return `zone id '${id}' must look like Route 53's: Z and 1 to 31 upper-case letters or digits`;
  }
  try {
    return parseDomainName(name).labels.length === 0 ? 'the root is not a zone' : undefined;
  } catch (error) {
    if (error instanceof DomainNameError) return error.message;
    throw error;
  }
}

const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/**
 * `name` or `name=ZONEID`: a fixed id lets a deployment (docker-compose.yml) configure the
 * apps' ROUTE53_HOSTED_ZONE_ID before the emulator starts.
 */
export function splitZoneSpec(spec: string): { name: string; id?: string } {
  const eq = spec.indexOf('=');
  return eq < 0 ? { name: spec } : { name: spec.slice(0, eq), id: spec.slice(eq + 1) };
}
