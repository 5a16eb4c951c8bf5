import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const repoRoot = join(__dirname, '..', '..', '..');
const webDist = join(repoRoot, 'dist', 'apps', 'web');
// People on slow phones wait for every byte before the first page shows.
const INITIAL_JS_BUDGET_BYTES = 150 * 1024;

/** The scripts index.html loads before the first page: its module entry and what it preloads. */
function initialScripts(): string[] {
  const index = join(webDist, 'index.html');
  if (!existsSync(index)) throw new Error(`${index} is missing: build the web app first`);
  const html = readFileSync(index, 'utf8');
  const entries = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map(([, src]) => src ?? '');
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map(
    ([, href]) => href ?? '',
  );
  return [...entries, ...preloads];
}

describe('the built web portal', () => {
  it('is a folder of static files with one entry script, and no settings baked in', () => {
    const scripts = initialScripts();
    expect(scripts.length).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(webDist, 'config.json'))).toBe(false);
  });

  it('loads at most 150 kB of JavaScript (gzipped) before the first page', () => {
    const sizes = initialScripts().map((src) => {
      const file = join(webDist, src.replace(/^\//, ''));
      return { src, gzipped: gzipSync(readFileSync(file), { level: 9 }).length };
    });
    const total = sizes.reduce((sum, { gzipped }) => sum + gzipped, 0);
    console.log(`initial JavaScript: ${(total / 1024).toFixed(1)} kB gzipped`, sizes);
    expect(total).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
  });

  it('keeps the admin console out of the initial load', () => {
    const initial = initialScripts()
      .map((src) => readFileSync(join(webDist, src.replace(/^\//, '')), 'utf8'))
      .join('\n');
    expect(initial).not.toContain('The admin console');
  });
});
