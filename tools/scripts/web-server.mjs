// @ts-check
// Serves the built web portal (dist/apps/web) for `npm start` and the browser tests: its static
// files, a /config.json made from the running stack, and index.html for every other path (the
// app routes in the browser). In production any static host does this (docker/web-nginx.conf).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/**
 * The /config.json of a web app talking to `apiUrl` and signing in at `issuer`.
 * @param {{ apiUrl: string, issuer: string, clientId?: string, audience?: string, boardUrl?: string }} settings
 */
export function webConfig({
  apiUrl,
  issuer,
  clientId = 'starchart-web',
  audience = 'starchart-api',
  boardUrl,
}) {
  return { apiUrl, oidc: { authority: issuer, clientId, audience }, ...(boardUrl && { boardUrl }) };
}

/**
 * @param {{ root: string, host?: string, port: number, config: object }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startWebServer({ root, host = '127.0.0.1', port, config }) {
  const index = join(root, 'index.html');
  await stat(index).catch(() => {
    throw new Error(`${index} is missing: build the web app first (npx nx build web)`);
  });
  const configBody = JSON.stringify(config);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (path === '/config.json') {
      response.writeHead(200, { 'Content-Type': TYPES['.json'], 'Cache-Control': 'no-store' });
      response.end(configBody);
      return;
    }
    const file = normalize(join(root, path));
    const inside = file.startsWith(root + sep);
    const found = inside && (await stat(file).catch(() => undefined))?.isFile();
    const served = found ? file : index;
    const immutable = found && path.startsWith('/assets/');
    response.writeHead(200, {
      'Content-Type':
        TYPES[/** @type {keyof typeof TYPES} */ (extname(served))] ?? 'application/octet-stream',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(served).pipe(response);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
