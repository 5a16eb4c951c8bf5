import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// No Docker engine runs in CI, so the compose file is checked as data.
const repoRoot = join(__dirname, '..', '..', '..');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, Service> };
const services = compose.services;
const envExample = readFileSync(join(repoRoot, '.env.example'), 'utf8');

describe('docker-compose.yml', () => {
  it('runs MySQL 8, Redis 7, the emulator, Pebble and the three apps', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['mysql', 'redis', 'route53', 'pebble', 'api', 'worker', 'board']),
    );
    expect(services['mysql']?.image).toMatch(/^mysql:8/);
    expect(services['redis']?.image).toMatch(/^redis:7/);
  });

  it('gives each app the same Node options as npm start and the bench (the api its heap budget)', () => {
    // tools/scripts/app-env.mjs is plain JavaScript that Jest does not load: read its table.
    const appEnv = readFileSync(join(repoRoot, 'tools', 'scripts', 'app-env.mjs'), 'utf8');
    const table = /APP_NODE_OPTIONS = (\{[^}]*\})/.exec(appEnv)?.[1] ?? '';
    const local = Object.fromEntries(
      [...table.matchAll(/(\w+): '([^']*)'/g)].map(([, app, options]) => [app, options]),
    );
    expect(local['api']).toMatch(/--max-old-space-size=\d+/);
    for (const app of ['api', 'worker', 'board']) {
      expect(services[app]?.environment?.['NODE_OPTIONS'] ?? '').toBe(local[app]);
    }
  });

  it('keeps Redis durable and never evicting queue data', () => {
    const command = services['redis']?.command?.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it.each(['api', 'worker', 'board', 'route53', 'dev-idp'])(
    'builds %s with the multi-stage app Dockerfile from a project that has a build target',
    (name) => {
      const build = services[name]?.build;
      expect(build?.dockerfile).toBe('docker/app.Dockerfile');
      const app = build?.args?.['APP'] ?? '';
      const project = JSON.parse(readFileSync(join(repoRoot, app, 'project.json'), 'utf8')) as {
        targets: Record<string, unknown>;
      };
      expect(project.targets['build']).toBeDefined();
    },
  );

  it('has a multi-stage Dockerfile that ships only the build output and its dependencies', () => {
    const dockerfile = readFileSync(join(repoRoot, 'docker/app.Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/FROM .* AS build/);
    expect(dockerfile).toMatch(/FROM .* AS runtime/);
    expect(dockerfile).toContain('COPY --from=build /repo/dist/${APP}/');
    expect(dockerfile).toContain('npm ci --omit=dev');
  });

  it('health-checks every service that others wait on, and the apps that serve HTTP', () => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        if (!(dependency in services)) problems.push(`${name} depends on unknown ${dependency}`);
        if (condition === 'service_healthy' && !services[dependency]?.healthcheck?.test.length) {
          problems.push(`${name} waits for ${dependency} to be healthy, but it has no healthcheck`);
        }
      }
    }
    for (const name of ['mysql', 'redis', 'route53', 'api', 'board']) {
      if (!services[name]?.healthcheck?.test.length) problems.push(`${name} has no healthcheck`);
    }
    expect(problems).toEqual([]);
  });

  it("validates DNS-01 challenges for real: Pebble asks the emulator, which serves the apps' zone", () => {
    const pebble = services['pebble'];
    expect(pebble?.command?.join(' ')).toMatch(/-dnsserver route53:1053/);
    expect(pebble?.environment?.['PEBBLE_VA_ALWAYS_VALID']).toBeUndefined();
    const zone = services['route53']?.command?.find((arg) => arg.startsWith('--zone='));
    const zoneId = zone?.split('=')[2];
    expect(services['api']?.environment?.['ROUTE53_HOSTED_ZONE_ID']).toBe(`/hostedzone/${zoneId}`);
    expect(services['worker']?.environment?.['ROUTE53_HOSTED_ZONE_ID']).toBe(
      `/hostedzone/${zoneId}`,
    );
  });

  it('gives the worker what it needs to order certificates from Pebble', () => {
    const worker = services['worker'];
    const env = worker?.environment ?? {};
    expect(env['ACME_DIRECTORY_URL']).toBe('https://pebble:14000/dir');
    expect(env['ACME_DNS_CHECK_SERVER']).toBe('route53:1053');
    expect(services['pebble']?.command?.join(' ')).toContain('-dnsserver route53:1053');
    // Pebble's listener CA, shared from the pebble image through one named volume.
    const [pebbleVolume, pebbleDir] = services['pebble']?.volumes?.[0]?.split(':') ?? [];
    expect(pebbleDir).toBe('/test/certs');
    const mount = worker?.volumes?.find((volume) => volume.startsWith(`${pebbleVolume}:`));
    expect(env['ACME_CA_CERT_PATH']).toBe(`${mount?.split(':')[1]}/pebble.minica.pem`);
    expect(worker?.depends_on?.['pebble']).toBeDefined();
    // Compose refuses to start without a key, naming the variable, for both apps that use it.
    for (const name of ['api', 'worker'])
      expect(services[name]?.environment?.['CERT_ENCRYPTION_KEY']).toMatch(
        /^\$\{CERT_ENCRYPTION_KEY:\?set CERT_ENCRYPTION_KEY .+\}$/,
      );
  });

  it('serves the web portal as static files with its settings mounted as /config.json', () => {
    const web = services['web'];
    expect(web?.build?.dockerfile).toBe('docker/web.Dockerfile');
    const [source, target] = web?.volumes?.[0]?.split(':') ?? [];
    expect(target).toBe('/usr/share/nginx/html/config.json');
    const config = JSON.parse(readFileSync(join(repoRoot, source ?? ''), 'utf8'));
    expect(config).toMatchObject({
      apiUrl: expect.any(String),
      oidc: { clientId: 'starchart-web' },
    });
    const nginx = readFileSync(join(repoRoot, 'docker/web-nginx.conf'), 'utf8');
    expect(nginx).toContain('try_files $uri /index.html');
  });

  it('signs people in through the dev-idp it runs, verified through its keys as in production', () => {
    const api = services['api']?.environment ?? {};
    const idp = services['dev-idp'];
    expect(api['JWT_SECRET']).toBeUndefined();
    expect(api['JWT_JWKS_URL']).toContain('http://dev-idp:3003/jwks');
    expect(api['JWT_ISSUER']).toContain('http://127.0.0.1:3003');
    expect(api['JWT_AUDIENCE']).toContain('starchart-api');
    expect(idp?.command).toEqual(expect.arrayContaining(['--issuer=http://127.0.0.1:3003']));
    expect(idp?.ports).toEqual(['127.0.0.1:3003:3003']);
    expect(services['api']?.depends_on?.['dev-idp']).toEqual({ condition: 'service_healthy' });
  });

  it("sends the worker's mail to a MailDev service of its own, its inbox on loopback", () => {
    const worker = services['worker']?.environment ?? {};
    expect(services['maildev']?.image).toMatch(/^maildev\/maildev:/);
    expect(services['maildev']?.ports).toEqual(['127.0.0.1:1080:1080']);
    expect(worker['SMTP_URL']).toContain('smtp://maildev:1025');
    expect(worker['WEB_URL']).toContain('http://127.0.0.1:3001');
  });

  it('publishes ports on loopback only', () => {
    for (const service of Object.values(services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('documents every variable the apps get in .env.example', () => {
    const undocumented = ['api', 'worker', 'board']
      .flatMap((name) => Object.keys(services[name]?.environment ?? {}))
      .filter((variable) => variable !== 'NODE_ENV')
      .filter((variable) => !new RegExp(`^#?\\s*${variable}=`, 'm').test(envExample));
    expect(undocumented).toEqual([]);
  });

  it('points every build context at the repository root', () => {
    for (const service of Object.values(services)) {
      if (service.build)
        expect(existsSync(join(repoRoot, service.build.context, 'package.json'))).toBe(true);
    }
  });
});
