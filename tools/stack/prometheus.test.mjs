// @ts-check
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PROMETHEUS_BIN, startPrometheus, stopPrometheus } from './prometheus.mjs';
import { freePort, waitFor } from './stack.mjs';

const skip = fs.existsSync(PROMETHEUS_BIN.prometheus)
  ? false
  : `prometheus is not installed (${PROMETHEUS_BIN.prometheus})`;

describe('the stack Prometheus', { timeout: 60_000, skip }, () => {
  const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), 'starchart-prometheus-'));
  /** @type {import('./prometheus.mjs').PrometheusState | undefined} */
  let prometheus;
  // Stands in for a worker: serves one metric at the worker's path.
  const worker = http.createServer((request, response) => {
    response.writeHead(request.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain' });
    response.end('starchart_certificate_renewals_failing 0\n');
  });

  after(async () => {
    if (prometheus) await stopPrometheus(prometheus);
    worker.close();
    fs.rmSync(stackDir, { recursive: true, force: true });
  });

  /** @param {string} apiPath */
  const api = async (apiPath) => {
    assert.ok(prometheus);
    const response = await fetch(`${prometheus.url}${apiPath}`);
    assert.equal(response.status, 200);
    return /** @type {{ data: any }} */ (await response.json()).data;
  };

  it('scrapes its targets with the alert rules loaded and evaluates them', async () => {
    await new Promise((resolve) => worker.listen(0, '127.0.0.1', () => resolve(undefined)));
    const address = worker.address();
    assert.ok(address && typeof address === 'object');
    // Nothing listens on the api's port: the api counts as down.
    const apiPort = await freePort();
    prometheus = await startPrometheus({
      stackDir,
      port: await freePort(),
      scrapeIntervalS: 1,
      targets: [
        { job: 'starchart-api', target: `127.0.0.1:${apiPort}` },
        { job: 'starchart-worker', target: `127.0.0.1:${address.port}` },
      ],
    });
    assert.match(prometheus.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const rules = await api('/api/v1/rules');
    const names = rules.groups.flatMap((/** @type {any} */ group) =>
      group.rules.map((/** @type {any} */ rule) => rule.name),
    );
    assert.ok(names.includes('StarchartNoWorker'));
    assert.ok(names.includes('StarchartRoute53Throttled'));

    const health = await waitFor(
      async () => {
        const { activeTargets } = await api('/api/v1/targets');
        const byJob = Object.fromEntries(
          activeTargets.map((/** @type {any} */ t) => [t.labels.job, t.health]),
        );
        return byJob['starchart-api'] === 'down' && byJob['starchart-worker'] === 'up' && byJob;
      },
      { timeoutMs: 20_000, what: 'both targets to be scraped' },
    );
    assert.deepEqual(health, { 'starchart-api': 'down', 'starchart-worker': 'up' });

    // Until the worker's first scrape is evaluated, absent(up{job="starchart-worker"}) holds and
    // StarchartNoWorker is pending too; once both targets are seen only the api's alert remains.
    const alerts = await waitFor(
      async () => {
        const { alerts } = await api('/api/v1/alerts');
        const names = alerts.map((/** @type {any} */ alert) => alert.labels.alertname);
        return names.includes('StarchartApiDown') && !names.includes('StarchartNoWorker') && alerts;
      },
      { timeoutMs: 20_000, what: 'the api alert alone to be pending' },
    );
    assert.deepEqual(
      alerts.map((/** @type {any} */ alert) => [alert.labels.alertname, alert.state]),
      [['StarchartApiDown', 'pending']],
    );
  });
});
