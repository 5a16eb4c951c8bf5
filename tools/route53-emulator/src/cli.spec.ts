import { parseCli } from './cli';

describe('parseCli', () => {
  it('uses the documented defaults and no zone', () => {
    expect(parseCli([], {})).toEqual({
      kind: 'run',
      options: {
        host: '127.0.0.1',
        port: 4580,
        dnsPort: 1053,
        insyncDelayMs: 2000,
        rps: 5,
        burst: 5,
        maxRecordSetsPerZone: 10_000,
        zones: [],
      },
    });
  });

  it('reads every flag, in both --flag value and --flag=value forms, and repeated zones', () => {
    const parsed = parseCli(
      [
        '--port',
        '0',
        '--dns-port=0',
        '--insync-delay-ms',
        '50',
        '--rps',
        '2.5',
        '--burst=10',
        '--max-rrsets-per-zone',
        '25',
        '--host',
        '0.0.0.0',
        '--zone',
        'example.com',
        '--zone=example.org',
      ],
      {},
    );
    expect(parsed).toEqual({
      kind: 'run',
      options: {
        host: '0.0.0.0',
        port: 0,
        dnsPort: 0,
        insyncDelayMs: 50,
        rps: 2.5,
        burst: 10,
        maxRecordSetsPerZone: 25,
        zones: ['example.com', 'example.org'],
      },
    });
  });

  it('reads environment variables, and lets flags win over them', () => {
    const env = {
      EMULATOR_PORT: '5000',
      EMULATOR_DNS_PORT: '5053',
      EMULATOR_INSYNC_DELAY_MS: '0',
      EMULATOR_RPS: '0',
      EMULATOR_BURST: '3',
      EMULATOR_MAX_RRSETS_PER_ZONE: '100',
      EMULATOR_HOST: '::1',
      EMULATOR_ZONE: 'a.test, b.test',
    };
    expect(parseCli([], env)).toEqual({
      kind: 'run',
      options: {
        host: '::1',
        port: 5000,
        dnsPort: 5053,
        insyncDelayMs: 0,
        rps: 0,
        burst: 3,
        maxRecordSetsPerZone: 100,
        zones: ['a.test', 'b.test'],
      },
    });
    const parsed = parseCli(['--port', '6000', '--zone', 'c.test'], env);
    expect(parsed).toMatchObject({
      kind: 'run',
      options: { port: 6000, dnsPort: 5053, zones: ['c.test'] },
    });
  });

  it('refuses bad values with a message naming the flag or variable', () => {
    const cases: [string[], Record<string, string>, string][] = [
      [
        ['--port', '70000'],
        {},
        "Invalid --port '70000': expected a port from 0 to 65535 (0 picks a free one)",
      ],
      [['--dns-port', 'x'], {}, "Invalid --dns-port 'x'"],
      [['--insync-delay-ms', '-1'], {}, "Invalid --insync-delay-ms '-1'"],
      [['--rps', 'fast'], {}, "Invalid --rps 'fast'"],
      [['--burst', '0'], {}, "Invalid --burst '0'"],
      [['--max-rrsets-per-zone', '0'], {}, "Invalid --max-rrsets-per-zone '0'"],
      [[], { EMULATOR_BURST: '1.5' }, "Invalid EMULATOR_BURST '1.5'"],
      [['--zone', 'a..b'], {}, "Invalid --zone 'a..b': DomainLabelEmpty"],
      [['--zone', 'ok.test=zlower'], {}, "Invalid --zone 'ok.test=zlower': zone id 'zlower'"],
      [[], { EMULATOR_ZONE: 'ok.test,' + 'x'.repeat(64) + '.test' }, 'Invalid EMULATOR_ZONE'],
      [['--porr', '1'], {}, 'Unknown option --porr'],
      [['--port'], {}, 'Missing value for --port'],
      [['--port', '1', '--port', '2'], {}, '--port is given more than once'],
      [['serve'], {}, "Unexpected argument 'serve'"],
    ];
    for (const [argv, env, message] of cases) {
      const parsed = parseCli(argv, env);
      expect(parsed.kind).toBe('error');
      expect(parsed.kind === 'error' ? parsed.message : '').toContain(message);
    }
  });

  it('asks for help with -h or --help', () => {
    expect(parseCli(['--port', '1', '-h'], {})).toEqual({ kind: 'help' });
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help' });
  });
});
