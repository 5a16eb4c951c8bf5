import type { Certificate, CertificateWithSteps } from '@starchart/api-client';
import { useCallback, useState } from 'react';
import { ApiFailure, call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import type { Gone, Removal } from './removal';

/**
 * The person's one certificate (null before they order one), and what this page did to it: an
 * order (or its retry) sent, a delete asked for, and how a finished delete went.
 */
export function useMyCertificate() {
  const { client } = useServices();
  const { resource, reload, replace } = useResource<CertificateWithSteps | null>(
    async (signal) => {
      const { items } = await call(client.GET('/api/v1/certificates', { signal }));
      const mine = items[0];
      if (!mine) return null;
      return call(
        client.GET('/api/v1/certificates/{id}', { params: { path: { id: mine.id } }, signal }),
      );
    },
    [client],
  );

  const [ordering, setOrdering] = useState(false);
  const [orderError, setOrderError] = useState<string | null>(null);
  // A delete asked for on this page: whether it revokes (no force), and then what became of it.
  const [removal, setRemoval] = useState<Removal | null>(null);
  const [gone, setGone] = useState<Gone | null>(null);
  // An order (or its retry) sent from this page: the button that sent it is gone afterwards.
  const [ordered, setOrdered] = useState(false);

  const order = async () => {
    setOrdering(true);
    setOrderError(null);
    setRemoval(null);
    setGone(null);
    try {
      const accepted = await call(client.POST('/api/v1/certificates'));
      setOrdered(true);
      replace({ ...accepted, steps: [] });
    } catch (error) {
      setOrderError(error instanceof ApiFailure ? error.message : String(error));
    } finally {
      setOrdering(false);
    }
  };

  const onRemoving = (asked: Removal, accepted: Certificate) => {
    setOrdered(false);
    setRemoval(asked);
    replace({ ...accepted, steps: [] });
  };

  // Stable: the detail's event stream restarts when it changes.
  const onGone = useCallback(
    (how: Gone) => {
      setGone(how);
      reload();
    },
    [reload],
  );

  return {
    resource,
    reload,
    order,
    ordering,
    orderError,
    ordered,
    removal,
    gone,
    onRemoving,
    onGone,
  };
}
