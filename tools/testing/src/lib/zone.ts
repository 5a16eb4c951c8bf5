import type { TestStack } from './stack';
import { uniqueId } from './unique';

export interface HostedZone {
  /** As the emulator answers it: '/hostedzone/Z…'. */
  id: string;
  rootDomain: string;
}

/**
 * A hosted zone of the test's own on the stack's emulator, for tests that must not touch (or be
 * touched by) other tests' record sets: the reconciler deletes what its database does not know.
 */
export async function createPrivateZone(
  stack: TestStack,
  options: { readonly maxRecordSets?: number } = {},
): Promise<HostedZone> {
  const rootDomain = `${uniqueId('zone')}.test`;
  const response = await fetch(`${stack.emulator.apiUrl}/_emulator/zones`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // A quota of its own (Route 53's MAX_RRSETS_BY_ZONE), so that a test can fill its zone.
    body: JSON.stringify({ name: rootDomain, ...options }),
  });
  if (!response.ok) throw new Error(`emulator POST /_emulator/zones: ${response.status}`);
  const { id } = (await response.json()) as { id: string };
  return { id, rootDomain };
}
