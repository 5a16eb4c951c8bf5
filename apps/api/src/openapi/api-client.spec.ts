import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentationConfig } from '../config/api-config';
import { openApiDocumentOffline } from './openapi';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const generated = join(repoRoot, 'libs', 'api-client', 'src', 'generated');
const REGENERATE = 'regenerate it with `npx nx run api-client:generate` and commit the result';

// The web app talks to the api only through libs/api-client; a client generated from an older
// document would compile against routes and fields the api no longer has.
describe('the committed api client', () => {
  jest.setTimeout(60_000);

  it("was generated from the api's current OpenAPI document", async () => {
    const current = JSON.parse(JSON.stringify(await openApiDocumentOffline(documentationConfig())));
    const committed = JSON.parse(readFileSync(join(generated, 'openapi.json'), 'utf8'));
    if (JSON.stringify(committed) !== JSON.stringify(current)) {
      throw new Error(`libs/api-client/src/generated/openapi.json is out of date: ${REGENERATE}`);
    }
    expect(committed).toEqual(current);
  });

  it('has the types openapi-typescript makes of that document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'starchart-api-client-'));
    try {
      const output = join(dir, 'schema.ts');
      writeFileSync(join(dir, 'openapi.json'), readFileSync(join(generated, 'openapi.json')));
      execFileSync(
        join(repoRoot, 'node_modules', '.bin', 'openapi-typescript'),
        [join(dir, 'openapi.json'), '-o', output],
        { stdio: 'pipe' },
      );
      const committed = readFileSync(join(generated, 'schema.ts'), 'utf8');
      if (committed !== readFileSync(output, 'utf8')) {
        throw new Error(`libs/api-client/src/generated/schema.ts is out of date: ${REGENERATE}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
