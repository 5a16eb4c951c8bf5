import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const repoRoot = join(__dirname, '..', '..', '..');

const projectSchema = z.object({ targets: z.record(z.string(), z.unknown()).default({}) });
const nxSchema = z.object({
  targetDefaults: z.record(
    z.string(),
    z.object({ executor: z.string().optional(), options: z.unknown().optional() }),
  ),
});

/** Every project.json git tracks, as paths from the repository root. */
function projectFiles(): string[] {
  return execFileSync('git', ['ls-files', '*project.json'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file.length > 0);
}

describe('the shared Nx targets', () => {
  const targets = ['lint', 'typecheck', 'test'] as const;

  it('are defined once, in nx.json targetDefaults', () => {
    const { targetDefaults } = nxSchema.parse(
      JSON.parse(readFileSync(join(repoRoot, 'nx.json'), 'utf8')),
    );
    for (const target of targets)
      expect(targetDefaults[target]).toMatchObject({ executor: 'nx:run-commands' });
  });

  it.each(projectFiles())(
    '%s opts in to lint and typecheck without a command of its own',
    (file) => {
      const project = projectSchema.parse(JSON.parse(readFileSync(join(repoRoot, file), 'utf8')));
      const root = file.replace(/\/project\.json$/, '');
      // `npm test` runs `nx run-many -t lint typecheck`: a project without them is never checked.
      expect(project.targets['lint']).toEqual({});
      expect(project.targets['typecheck']).toEqual({});
      // A project with a test config runs its tests through the shared target too.
      const hasTests = ['jest.config.js', 'vite.config.mts'].some((config) =>
        existsSync(join(repoRoot, root, config)),
      );
      if (hasTests && project.targets['test'] !== undefined)
        expect(project.targets['test']).toEqual({});
    },
  );
});
