import type { DnsRecord, FlowStep } from '@starchart/api-client';
import { useEffect, useState } from 'react';
import { useServices } from '../app/services';

export interface LiveRecord {
  record: DnsRecord | null;
  steps: FlowStep[];
  /** The stream could not be followed (the record is still shown as last read). */
  streamError: boolean;
}

const UNSETTLED = new Set(['pending', 'deleting']);

/**
 * A record that updates itself from the api's event stream while a flow runs: status changes and
 * step changes arrive without reloading; `record` becomes null once a delete finished.
 */
export function useLiveRecord(initial: DnsRecord, initialSteps: FlowStep[] = []): LiveRecord {
  const { followRecord } = useServices();
  const [live, setLive] = useState<LiveRecord>({
    record: initial,
    steps: initialSteps,
    streamError: false,
  });
  const followKey = `${initial.id}:${initial.status}:${initial.updatedAt}`;

  // Callers remount (a React key) when the record they pass starts another flow.
  useEffect(() => {
    if (!UNSETTLED.has(initial.status)) return;
    const abort = new AbortController();
    followRecord(
      initial.id,
      (event) => {
        if (event.event === 'status') setLive((previous) => ({ ...previous, record: event.data }));
        if (event.event === 'step') {
          const step = event.data;
          setLive((previous) => ({
            ...previous,
            steps: [...previous.steps.filter((known) => known.step !== step.step), step],
          }));
        }
        if (event.event === 'done' && event.data.status === 'gone') {
          setLive((previous) => ({ ...previous, record: null }));
        }
      },
      abort.signal,
    ).catch(() => {
      if (!abort.signal.aborted) setLive((previous) => ({ ...previous, streamError: true }));
    });
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- followKey names what `initial` holds
  }, [followKey, followRecord]);

  return live;
}
