import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const repoRoot = join(__dirname, '..', '..', '..');
// A variable whose name says it holds a credential.
const SENSITIVE = /SECRET|PASSWORD|KEY|TOKEN/i;
// Fixed values that are no credential: the Route 53 emulator ignores AWS credentials.
const DUMMY_VALUES: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

interface Service {
  environment?: Record<string, string>;
}

const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };

/** `${NAME:-default}` and `${NAME-default}` substitutions: a value used when the operator sets none. */
function substitutionDefaults(text: string): { name: string; fallback: string }[] {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?-([^}]*)\}/g)].map(
    ([, name = '', fallback = '']) => ({ name, fallback }),
  );
}

describe('credentials in docker-compose.yml', () => {
  it('has no default value for any variable whose name says secret, password, key or token', () => {
    const defaulted = substitutionDefaults(composeText).filter(({ name }) => SENSITIVE.test(name));
    expect(defaulted).toEqual([]);
  });

  it('sets no credential to a fixed value, apart from the dummy AWS keys of the emulator', () => {
    const fixed = Object.entries(compose.services).flatMap(([service, { environment = {} }]) =>
      Object.entries(environment)
        .filter(([name]) => SENSITIVE.test(name) && name !== 'NODE_OPTIONS')
        .filter(([, value]) => !/^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}$/.test(String(value)))
        .filter(([name, value]) => DUMMY_VALUES[name] !== value)
        .map(([name, value]) => `${service}: ${name}=${value}`),
    );
    expect(fixed).toEqual([]);
  });

  it('catches a default credential, so that the checks above can fail', () => {
    const sample = 'JWT_SECRET: ${JWT_SECRET:-shh}\nURL: ${URL:-http://x}\nB: ${BOARD_PASSWORD-x}';
    expect(substitutionDefaults(sample).filter(({ name }) => SENSITIVE.test(name))).toEqual([
      { name: 'JWT_SECRET', fallback: 'shh' },
      { name: 'BOARD_PASSWORD', fallback: 'x' },
    ]);
  });
});

describe('published HS256 secrets', () => {
  // Every JWT_SECRET value the repository ships, in whatever file: the api must know them all.
  const published = readFileSync(
    join(repoRoot, 'apps/api/src/config/published-secrets.ts'),
    'utf8',
  );
  const tracked = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter((file) => /\.(ts|mjs|js|ya?ml|md|example|json)$|\.env/.test(file));

  it('lists every JWT_SECRET value found in the repository as published, so the api refuses it in production', () => {
    // Shorter secrets are refused in every environment, so only the usable ones need listing.
    const shipped = new Set<string>();
    for (const file of tracked) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      const assignments = [
        ...text.matchAll(/JWT_SECRET['"]?\s*[:=]\s*['"]([^'"\s]{32,})['"]/g),
        ...text.matchAll(/^\s*(?:export\s+)?JWT_SECRET=([^\s#'"]{32,})/gm),
        ...text.matchAll(/(?:JWT|DEV|TEST)_\w*SECRET\w*\s*=\s*'([^']{32,})'/g),
      ];
      for (const [, value = ''] of assignments) shipped.add(value);
    }
    expect(shipped.size).toBeGreaterThan(0);
    expect([...shipped].filter((value) => !published.includes(`'${value}'`))).toEqual([]);
  });
});
