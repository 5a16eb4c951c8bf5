import { createParser } from 'eventsource-parser';
import type { Certificate, CertificateWithSteps, DnsRecord, FlowStep } from './client';

/** The last event of a progress stream (documented in the api's description of /events). */
export interface ProgressDone {
  status: string;
  statusReason: string | null;
  /** The stream's time ran out before the thing settled; following again resumes. */
  timedOut: boolean;
}

export type CertificateStep = NonNullable<CertificateWithSteps['steps']>[number];

export type ProgressEvent<View, Step> =
  | { event: 'status'; data: View }
  | { event: 'step'; data: Step }
  | { event: 'done'; data: ProgressDone };

export type RecordProgressEvent = ProgressEvent<DnsRecord, FlowStep>;
export type CertificateProgressEvent = ProgressEvent<Certificate, CertificateStep>;

export interface FollowOptions<Event> {
  baseUrl: string;
  accessToken: () => Promise<string | null>;
  onUnauthorized: () => void;
  onEvent: (event: Event) => void;
  /** Aborting ends the stream (the page went away). */
  signal: AbortSignal;
  fetch?: typeof globalThis.fetch;
}

/** The api answered the stream with an error status (404: gone or not yours). */
export class ProgressStreamError extends Error {
  constructor(readonly status: number) {
    super(`the progress stream answered ${status}`);
  }
}

const RECONNECT_MS_DEFAULT = 1_000;
const STREAMED_EVENTS = new Set(['status', 'step', 'done']);

/** Follows a record's flow until it settles; resolves with the `done` event. */
export function followRecord(
  id: string,
  options: FollowOptions<RecordProgressEvent>,
): Promise<ProgressDone> {
  return follow(`/api/v1/records/${encodeURIComponent(id)}/events`, options);
}

/** Follows a certificate order until it settles; resolves with the `done` event. */
export function followCertificate(
  id: string,
  options: FollowOptions<CertificateProgressEvent>,
): Promise<ProgressDone> {
  return follow(`/api/v1/certificates/${encodeURIComponent(id)}/events`, options);
}

/**
 * Server-Sent Events read with fetch, so the access token travels in the Authorization header
 * and never in a URL (EventSource cannot send headers). A stream that ends before `done`, or
 * whose time ran out, is opened again with a fresh token.
 */
async function follow<Event extends ProgressEvent<unknown, unknown>>(
  path: string,
  options: FollowOptions<Event>,
): Promise<ProgressDone> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  let reconnectMs = RECONNECT_MS_DEFAULT;
  for (;;) {
    const token = await options.accessToken();
    const response = await fetchFn(`${options.baseUrl}${path}`, {
      headers: {
        Accept: 'text/event-stream',
        ...(token && { Authorization: `Bearer ${token}` }),
      },
      signal: options.signal,
      cache: 'no-store',
    });
    if (response.status === 401) options.onUnauthorized();
    if (!response.ok || !response.body) throw new ProgressStreamError(response.status);

    let done: ProgressDone | undefined;
    const parser = createParser({
      onRetry: (ms) => {
        reconnectMs = ms;
      },
      onEvent: ({ event, data }) => {
        if (event === undefined || !STREAMED_EVENTS.has(event)) return;
        const parsed: unknown = JSON.parse(data);
        if (typeof parsed !== 'object' || parsed === null) return;
        if (event === 'done') done = toDone(parsed);
        options.onEvent({ event, data: parsed } as Event);
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      parser.feed(chunk.value);
      if (done) {
        await reader.cancel();
        break;
      }
    }
    if (done && !done.timedOut) return done;
    await pause(reconnectMs, options.signal);
  }
}

function toDone(data: object): ProgressDone {
  const fields = data as Record<string, unknown>;
  return {
    status: String(fields['status']),
    statusReason: typeof fields['statusReason'] === 'string' ? fields['statusReason'] : null,
    timedOut: fields['timedOut'] === true,
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
