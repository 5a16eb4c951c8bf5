import type * as acme from 'acme-client';
import type { OrderRef } from '../job-data';

/** What a later step keeps of an order: its URLs and identifiers, never its status. */
export function toOrderRef(order: acme.Order): OrderRef {
  return {
    url: order.url,
    finalize: order.finalize,
    authorizations: order.authorizations,
    identifiers: order.identifiers,
  };
}

/** What acme-client needs to address an order again: its URLs; the status is re-read. */
export function toOrder(ref: OrderRef): acme.Order {
  return { ...ref, status: 'pending' };
}

/** The `detail` of an ACME problem document, when the CA gave one. */
export function problemDetail(error: object | undefined): string | undefined {
  return error && 'detail' in error && typeof error.detail === 'string' ? error.detail : undefined;
}
