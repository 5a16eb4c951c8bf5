import { Inject, Injectable } from '@nestjs/common';
import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { z } from 'zod';
import type { AcmeConfig } from '../cert-flow-options';
import { AcmeUnavailableError } from '../errors';
import type { RenewalWindow } from './renewal-schedule';

export const RENEWAL_INFO_CONFIG = Symbol('RENEWAL_INFO_CONFIG');

const directorySchema = z.object({ renewalInfo: z.url().optional() });
const renewalInfoSchema = z.object({
  suggestedWindow: z.object({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
  }),
  explanationURL: z.string().optional(),
});

// The directory rarely changes; a renewal run every few hours reads it at most this often.
const DIRECTORY_TTL_MS = 3_600_000;
// RFC 9773 §4.3: without Retry-After, ask again within a day; we ask every 6 hours, and never
// more often than a second nor less often than a day whatever the CA says (the renewal run's
// interval, CERT_RENEW_EVERY, bounds it further).
const DEFAULT_POLL_MS = 6 * 3_600_000;
const MIN_POLL_MS = 1_000;
const MAX_POLL_MS = 24 * 3_600_000;
const TIMEOUT_MS = 10_000;

/** The CA's suggested window for one certificate, and when to ask again. */
export interface RenewalInfo {
  window: RenewalWindow;
  nextPollAt: Date;
}

/**
 * ACME Renewal Information (RFC 9773) of the configured CA, for the renewal run (a worker): whether
 * the directory offers `renewalInfo`, and a certificate's suggested window. Plain unauthenticated
 * GETs over node:https, trusting the same extra CA as the ACME client.
 */
@Injectable()
export class RenewalInfoClient {
  private readonly agent: Agent;
  private directory: { endpoint: string | undefined; readAt: number } | undefined;

  constructor(
    @Inject(RENEWAL_INFO_CONFIG)
    private readonly config: Pick<AcmeConfig, 'directoryUrl' | 'caCertPem'>,
  ) {
    this.agent = new Agent({
      keepAlive: false,
      ...(config.caCertPem !== undefined && { ca: [...rootCertificates, config.caCertPem] }),
    });
  }

  /** The directory's renewalInfo URL; undefined when the CA offers no ARI. */
  async endpoint(now = Date.now()): Promise<string | undefined> {
    if (this.directory && now - this.directory.readAt < DIRECTORY_TTL_MS)
      return this.directory.endpoint;
    const answer = await this.get(this.config.directoryUrl);
    if (answer.status !== 200)
      throw new AcmeUnavailableError(`the ACME directory answered ${answer.status}`);
    const parsed = directorySchema.safeParse(JSON.parse(answer.body));
    this.directory = {
      endpoint: parsed.success ? parsed.data.renewalInfo : undefined,
      readAt: now,
    };
    return this.directory.endpoint;
  }

  /** The suggested window of the certificate `certId` names (`ariCertId`). */
  async fetch(endpoint: string, certId: string, now = Date.now()): Promise<RenewalInfo> {
    const answer = await this.get(`${endpoint.replace(/\/$/, '')}/${certId}`);
    if (answer.status !== 200)
      throw new AcmeUnavailableError(`the CA's renewalInfo answered ${answer.status}`);
    const info = renewalInfoSchema.parse(JSON.parse(answer.body));
    return {
      window: {
        start: new Date(info.suggestedWindow.start),
        end: new Date(info.suggestedWindow.end),
      },
      nextPollAt: new Date(now + pollDelay(answer.retryAfter, now)),
    };
  }

  private get(
    url: string,
  ): Promise<{ status: number; body: string; retryAfter: string | undefined }> {
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { agent: this.agent, timeout: TIMEOUT_MS }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, body, retryAfter });
        });
        response.on('error', reject);
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
      outgoing.on('error', (error) =>
        reject(new AcmeUnavailableError(`the CA's ARI cannot be reached: ${error.message}`)),
      );
      outgoing.end();
    });
  }
}

/** Retry-After (seconds or an HTTP date) as a wait, within bounds. */
function pollDelay(retryAfter: string | undefined, now: number): number {
  let ms = DEFAULT_POLL_MS;
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    ms = Number.isFinite(seconds) ? seconds * 1_000 : Date.parse(retryAfter) - now;
    if (!Number.isFinite(ms)) ms = DEFAULT_POLL_MS;
  }
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, ms));
}
