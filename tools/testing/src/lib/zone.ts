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
export async function createPrivateZone(stack: TestStack): Promise<HostedZone> {
  const rootDomain = `${uniqueId('zone')}.test`;
  const response = await fetch(`${stack.emulator.apiUrl}/_emulator/zones`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: rootDomain }),
  });
  if (!response.ok) throw new Error(`emulator POST /_emulator/zones: ${response.status}`);
  const { id } = (await response.json()) as { id: string };
  return { id, rootDomain };
}
