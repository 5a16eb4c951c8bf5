// @ts-check
/**
 * Prometheus (Debian's package) for the local stack: scrapes the api and the worker with
 * tools/prometheus/alerts.yml loaded. Not part of startStack: `npm start` starts it once the
 * apps' ports are known, and no test pays for it unless it asks.
 *
 * Node built-ins only, like stack.mjs.
 */
import fsp from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { launch, REPO_ROOT, terminate, waitFor } from './stack.mjs';

export const PROMETHEUS_BIN = Object.freeze({
  prometheus: '/usr/bin/prometheus',
  promtool: '/usr/bin/promtool',
});
export const ALERT_RULES = path.join(REPO_ROOT, 'tools', 'prometheus', 'alerts.yml');
export const ALERT_RULE_TESTS = path.join(REPO_ROOT, 'tools', 'prometheus', 'alerts.test.yml');

/**
 * @typedef {object} ScrapeTarget
 * @property {string} job      e.g. starchart-api; the alert rules select on these names
 * @property {string} target   host:port
 * @property {string} [path]   /metrics unless given
 */

/**
 * @typedef {object} PrometheusState
 * @property {number} pid
 * @property {string} url
 * @property {string} dataDir
 */

/**
 * Starts Prometheus on 127.0.0.1:`port` with its own data under `<stackDir>/prometheus`, and
 * resolves once it is ready. Scrapes every 5 s: this is a development stack, not production.
 * @param {{ stackDir: string, port: number, targets: ScrapeTarget[], scrapeIntervalS?: number }} options
 * @returns {Promise<PrometheusState>}
 */
export async function startPrometheus({ stackDir, port, targets, scrapeIntervalS = 5 }) {
  const dataDir = path.join(stackDir, 'prometheus');
  await fsp.mkdir(path.join(dataDir, 'data'), { recursive: true });
  const interval = `${scrapeIntervalS}s`;
  // JSON is YAML: no YAML library needed before `npm ci`.
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: [ALERT_RULES],
    scrape_configs: targets.map(({ job, target, path: metricsPath = '/metrics' }) => ({
      job_name: job,
      metrics_path: metricsPath,
      static_configs: [{ targets: [target] }],
    })),
  };
  const configPath = path.join(dataDir, 'prometheus.yml');
  await fsp.writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const url = `http://127.0.0.1:${port}`;
  const child = await launch(
    PROMETHEUS_BIN.prometheus,
    [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${path.join(dataDir, 'data')}`,
      '--storage.tsdb.retention.time=2d',
      `--web.listen-address=127.0.0.1:${port}`,
      // Lets `promtool` and a test reload the rules after editing alerts.yml.
      '--web.enable-lifecycle',
    ],
    { logPath: path.join(dataDir, 'prometheus.log'), cwd: dataDir },
  );
  try {
    await waitFor(
      async () => {
        if (child.exit)
          throw new Error(`prometheus exited (${child.exit}); see ${dataDir}/prometheus.log`);
        return (await httpStatus(`${url}/-/ready`)) === 200;
      },
      { timeoutMs: 30_000, what: 'prometheus to become ready', intervalMs: 200 },
    );
  } catch (error) {
    await terminate(child.pid, 'SIGKILL');
    throw error;
  }
  return { pid: child.pid, url, dataDir };
}

/** @param {PrometheusState} prometheus */
export async function stopPrometheus(prometheus) {
  await terminate(prometheus.pid, 'SIGTERM');
}

/** @param {string} url */
function httpStatus(url) {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.setTimeout(2_000, () => request.destroy());
  });
}
