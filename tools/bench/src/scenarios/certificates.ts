import { ScenarioError } from '../lib/errors';
import { round, type BenchContext } from '../lib/harness';
import { figure, type ScenarioResult } from '../lib/results';
import { nowMs, percentile, pollUntil } from '../lib/timing';

const USERS = 5;
// Two DNS-01 challenges (name and wildcard), Pebble's validation and finalisation per order.
const ISSUE_TIMEOUT_MS = 180_000;
const POLL_MS = 100;

/** Five users order their certificate at once: seconds from each POST to its `issued`. */
export async function certificates(context: BenchContext): Promise<ScenarioResult> {
  const started = nowMs();
  await context.emulator.configure({ insyncDelayMs: 0, rps: 0 });
  const apps = await context.startApps({ scenario: 'certificates' });
  let secondsToIssued: number[];
  try {
    secondsToIssued = await Promise.all(
      Array.from({ length: USERS }, async (_, index) => {
        const username = `cert${index}`;
        const posted = nowMs();
        const id = await apps.api.orderCertificate(username);
        await pollUntil(
          `certificate of ${username} issued`,
          async () => {
            const { status, statusReason } = await apps.api.certificateStatus(username, id);
            if (status === 'failed') {
              throw new ScenarioError(`certificate of ${username} failed: ${statusReason}`);
            }
            return status === 'issued' ? true : undefined;
          },
          { intervalMs: POLL_MS, timeoutMs: ISSUE_TIMEOUT_MS },
        );
        return (nowMs() - posted) / 1000;
      }),
    );
  } finally {
    await apps.stop();
  }
  const p50 = round(percentile(secondsToIssued, 50), 2);
  const max = round(Math.max(...secondsToIssued), 2);
  return {
    scenario: 'certificates',
    seconds: (nowMs() - started) / 1000,
    figures: [
      figure(`POST to issued, p50 / max (${USERS} users at once)`, `${p50} / ${max} s`, ''),
    ],
    details: {
      users: USERS,
      pollMs: POLL_MS,
      secondsToIssued: secondsToIssued.map((s) => round(s, 3)),
    },
  };
}
