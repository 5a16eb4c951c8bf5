import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Whether the authoritative DNS serves every challenge value: what the CA will query next.
 * Asks the configured server (the emulator in development), or else every name server of the
 * zone, each directly, so that no resolver cache answers in their place.
 */
export async function authoritativeServersAnswer(
  name: string,
  values: readonly string[],
  servers: readonly string[],
): Promise<boolean> {
  const answers = await Promise.all(servers.map((server) => txtAt(name, server)));
  return answers.every((texts) => values.every((value) => texts.includes(value)));
}

async function txtAt(name: string, server: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  resolver.setServers([server]);
  try {
    return (await resolver.resolveTxt(name)).map((strings) => strings.join(''));
  } catch (error) {
    // Not there yet: NXDOMAIN or NODATA.
    if (isNoData(error)) return [];
    throw error;
  }
}

// Not `instanceof Error`: node's DNS errors come from another realm under Jest.
function isNoData(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'ENOTFOUND' || error.code === 'ENODATA')
  );
}

/** The addresses of the given name servers, for `authoritativeServersAnswer`. */
export async function nameServerAddresses(hosts: readonly string[]): Promise<string[]> {
  const resolver = new Resolver();
  const addresses = await Promise.all(hosts.map((host) => resolver.resolve4(host)));
  return addresses.flat();
}

/**
 * `host:port` with the host as an address: a resolver takes IP addresses only, and a configured
 * server may be a name (`route53:1053` in docker compose). Looked up on each check, since a
 * container's address changes when it restarts.
 */
export async function dnsServerAddress(server: string): Promise<string> {
  const separator = server.lastIndexOf(':');
  const host = server.slice(0, separator);
  if (isIP(host) !== 0) return server;
  const { address } = await lookup(host, { family: 4 });
  return `${address}${server.slice(separator)}`;
}
