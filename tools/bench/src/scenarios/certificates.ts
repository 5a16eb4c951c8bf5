import { ScenarioError } from '../lib/errors';
import type { BenchContext } from '../lib/harness';
import { figure, type ScenarioResult } from '../lib/results';
import { nowMs } from '../lib/timing';

const CERTIFICATES_PATH = '/api/v1/certificates';

/**
 * Time to an issued certificate, once the api has a certificates endpoint. Until then the
 * scenario reports "not available"; when the endpoint appears it refuses to guess its contract.
 */
export async function certificates(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  const apps = await context.startApps({ scenario: 'certificates', workers: 0 });
  let status: number;
  try {
    status = await apps.api.statusOf(CERTIFICATES_PATH, 'cert-0');
  } finally {
    await apps.stop();
  }
  if (status !== 404) {
    throw new ScenarioError(
      `${CERTIFICATES_PATH} answers ${status}: the endpoint exists now, but this scenario does not drive it yet`,
    );
  }
  return {
    scenario: 'certificates',
    seconds: (nowMs() - started) / 1000,
    figures: [figure('POST to issued, p50 / max', 'not available', '')],
    details: { endpoint: CERTIFICATES_PATH, status },
  };
}
