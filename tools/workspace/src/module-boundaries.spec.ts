import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');

interface LintResult {
  messages: { ruleId: string | null; message: string }[];
}

/** Lints a probe file placed (virtually) inside a project with the workspace's ESLint CLI and config. */
async function boundaryErrors(probePath: string, code: string): Promise<string[]> {
  const eslint = join(repoRoot, 'node_modules', '.bin', 'eslint');
  const run = spawnSync(eslint, ['--stdin', '--stdin-filename', probePath, '--format', 'json'], {
    cwd: repoRoot,
    input: code,
    encoding: 'utf8',
  });
  if (!run.stdout) throw new Error(`eslint produced no report: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as LintResult[];
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === '@nx/enforce-module-boundaries')
    .map((message) => message.message);
}

describe('module boundaries', () => {
  jest.setTimeout(60_000);

  it('fails lint when route53 imports persistence', async () => {
    const errors = await boundaryErrors(
      'libs/route53/src/lib/boundary-probe.ts',
      "import { databaseEnvSchema } from '@starchart/persistence';\nexport const probe = databaseEnvSchema;\n",
    );
    expect(errors).toEqual([expect.stringContaining('can only depend on libs tagged with')]);
  });

  it('fails lint when a lib imports an app', async () => {
    const errors = await boundaryErrors(
      'libs/dns-flow/src/lib/boundary-probe.ts',
      "import { AppModule } from '../../../../apps/api/src/app.module';\nexport const probe = AppModule;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('fails lint when persistence imports a flow lib', async () => {
    const errors = await boundaryErrors(
      'libs/persistence/src/lib/boundary-probe.ts',
      "import * as flow from '@starchart/dns-flow';\nexport const probe = flow;\n",
    );
    // Reported as a tag violation, or as the cycle it would close (dns-flow imports persistence).
    expect(errors).toEqual([
      expect.stringMatching(/can only depend on libs tagged with|Circular dependency/),
    ]);
  });

  it('fails lint when flow-runtime imports a flow lib', async () => {
    const errors = await boundaryErrors(
      'libs/flow-runtime/src/lib/boundary-probe.ts',
      "import * as flow from '@starchart/cert-flow';\nexport const probe = flow;\n",
    );
    // Reported as a tag violation, or as the cycle it would close (cert-flow imports flow-runtime).
    expect(errors).toEqual([
      expect.stringMatching(/can only depend on libs tagged with|Circular dependency/),
    ]);
  });

  it('fails lint when the web app imports a server-side lib', async () => {
    const errors = await boundaryErrors(
      'apps/web/src/boundary-probe.ts',
      "import { DNS_RECORD_TYPES } from '@starchart/persistence';\nexport const probe = DNS_RECORD_TYPES;\n",
    );
    expect(errors).toEqual([expect.stringContaining('can only depend on libs tagged with')]);
  });

  it('lets the web app and the api import the shared record rules', async () => {
    for (const probe of ['apps/web/src/boundary-probe.ts', 'apps/api/src/boundary-probe.ts']) {
      const errors = await boundaryErrors(
        probe,
        "import { checkCaaValue } from '@starchart/record-rules';\nexport const probe = checkCaaValue;\n",
      );
      expect(errors).toEqual([]);
    }
  });

  it('fails lint when the shared record rules import a server-side lib', async () => {
    const errors = await boundaryErrors(
      'libs/record-rules/src/lib/boundary-probe.ts',
      "import { MAX_RECORD_VALUE_LENGTH } from '@starchart/persistence';\nexport const probe = MAX_RECORD_VALUE_LENGTH;\n",
    );
    // It may depend on no lib at all, which the rule words differently.
    expect(errors).toEqual([expect.stringContaining('cannot depend on any libs')]);
  });

  it('lets an app import a lib', async () => {
    const errors = await boundaryErrors(
      'apps/api/src/boundary-probe.ts',
      "import { databaseEnvSchema } from '@starchart/persistence';\nexport const probe = databaseEnvSchema;\n",
    );
    expect(errors).toEqual([]);
  });
});
