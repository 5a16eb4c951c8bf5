import { formatDateTime } from '../records/format';

/**
 * A delete asked for on this page: `revoke` false for "Delete without revoking" (force),
 * `withdraw` for an order taken out of the queue.
 */
export interface Removal {
  revoke: boolean;
  withdraw: boolean;
}

/** How a certificate went: revoked first, removed while still valid, never issued, or withdrawn. */
export type Gone =
  | { kind: 'revoked' }
  | { kind: 'not-revoked'; validTo: string }
  | { kind: 'deleted' }
  | { kind: 'withdrawn' };

/** How a delete that is running will have ended, once the certificate is gone. */
export function goneAs(withdraws: boolean, revokes: boolean, validTo: string | null): Gone {
  if (withdraws) return { kind: 'withdrawn' };
  if (revokes) return { kind: 'revoked' };
  return validTo ? { kind: 'not-revoked', validTo } : { kind: 'deleted' };
}

export function goneText(gone: Gone): string {
  switch (gone.kind) {
    case 'revoked':
      return 'Your certificate was revoked at the certificate authority and deleted.';
    case 'not-revoked':
      return (
        'Your certificate was deleted without being revoked: it stays valid until ' +
        `${formatDateTime(gone.validTo)} for whoever has its private key.`
      );
    case 'deleted':
      return 'Your certificate was deleted.';
    case 'withdrawn':
      return 'Your order was withdrawn from the queue.';
  }
}
