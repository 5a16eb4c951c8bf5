import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');

/** The npm packages a built app's bundle loads (webpack leaves every package external). */
function packagesLoadedBy(app: string): string[] {
  const bundle = join(repoRoot, 'dist', 'apps', app, 'main.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: build the app first`);
  const required = readFileSync(bundle, 'utf8').matchAll(/require\("([^"]+)"\)/g);
  return [...new Set([...required].map(([, name]) => name ?? ''))].filter(
    (name) => !name.startsWith('node:'),
  );
}

// Each deployable loads only what it uses: less memory per process and fewer packages to ship.
describe('what each app bundle loads', () => {
  it('keeps the AWS SDK, the ACME and the SMTP client out of the api (only workers talk to them)', () => {
    const loaded = packagesLoadedBy('api');
    expect(loaded).toEqual(expect.arrayContaining(['bullmq', 'typeorm', 'mysql2']));
    expect(loaded.filter((name) => /^@aws-sdk\/|^acme-client$|^nodemailer$/.test(name))).toEqual(
      [],
    );
  });

  it('keeps Nest, TypeORM, the AWS SDK, the ACME and the SMTP client out of the board', () => {
    const loaded = packagesLoadedBy('board');
    expect(loaded).toEqual(expect.arrayContaining(['bullmq', '@bull-board/api']));
    expect(
      loaded.filter((name) =>
        /^@nestjs\/|^typeorm$|^mysql2$|^@aws-sdk\/|^acme-client$|^nodemailer$/.test(name),
      ),
    ).toEqual([]);
  });

  it('gives the worker its Route 53, ACME and SMTP clients', () => {
    expect(packagesLoadedBy('worker')).toEqual(
      expect.arrayContaining(['@aws-sdk/client-route-53', 'acme-client', 'nodemailer']),
    );
  });
});
