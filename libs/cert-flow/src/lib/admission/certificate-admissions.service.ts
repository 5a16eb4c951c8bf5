import { Inject, Injectable, Logger } from '@nestjs/common';
import { CertificatesRepository } from '@starchart/persistence';
import { CertFlowService, toCertJobData } from '../cert-flow.service';
import type { CertJobData } from '../job-data';
import { CA_PAUSE, type CaPauseReader } from './ca-pause';
import { estimateStarts, type OrderKind } from './issuance-budget';
import type { Admission, IssuanceLedger } from './issuance-ledger';

export const ISSUANCE_LEDGER = Symbol('ISSUANCE_LEDGER');

/** An order let out of the queue: its row is pending (committed), its flow still to be added. */
export interface AdmittedOrder {
  certificateId: string;
  data: CertJobData;
}

/** A queued certificate's place (1 = next) and when it should start if nothing else comes first. */
export interface QueueStanding {
  place: number;
  estimatedStartAt: Date;
}

// An admission run lets out at most this many orders; the next run (or request) goes on.
const BATCH = 200;

/**
 * Lets queued certificate orders out, first come first served, as the issuance budget allows.
 * Safe with any number of processes at once:
 * - each order's admission token is the flow id of the version it starts, so a token charged
 *   once is never charged again: of two processes admitting the same order, or a process that
 *   died between the charge and the row's update and the one that retries, one charge counts;
 * - the row moves from queued to pending with startOrder's conditional update: one wins;
 * - a row left pending without its flow (a process died before adding it) is ordered again by
 *   the certificate safety net once its grace period is over.
 * Every process goes through the queue in the same order and stops at the first refusal, so the
 * charges follow the queue.
 */
@Injectable()
export class CertificateAdmissions {
  private readonly logger = new Logger(CertificateAdmissions.name);

  constructor(
    @Inject(ISSUANCE_LEDGER) private readonly ledger: IssuanceLedger,
    private readonly certificates: CertificatesRepository,
    private readonly flows: CertFlowService,
    @Inject(CA_PAUSE) private readonly caPause?: CaPauseReader,
  ) {}

  /** Admits one order of this kind at `now`, unless the CA asked us to wait or a budget is spent. */
  async admit(kind: OrderKind, token: string, now = Date.now()): Promise<Admission> {
    const pausedUntil = (await this.caPause?.pausedUntil())?.getTime() ?? 0;
    if (pausedUntil > now) return { admitted: false, retryAt: pausedUntil };
    return this.ledger.admit(kind, token, now);
  }

  /**
   * Admits queued orders in queue order (with `upTo`, only up to that row) until a budget says
   * no. Commits each admitted row as pending; the caller adds the flows.
   */
  async admitQueued(upTo?: { id: string; queuedAt: Date }): Promise<AdmittedOrder[]> {
    const admitted: AdmittedOrder[] = [];
    for (const row of await this.certificates.findQueued(BATCH, upTo)) {
      const data = toCertJobData('issue', { ...row, version: row.version + 1 });
      const flowId = this.flows.flowIdFor(data);
      const admission = await this.admit(row.holdsCertificate ? 'renewal' : 'new', flowId);
      if (!admission.admitted) break;
      // Lost to another process admitting it, or the person deleted it: its charge stays.
      if (await this.certificates.startOrder(row, { status: 'pending', flowId, by: 'owner' }))
        admitted.push({ certificateId: row.id, data });
    }
    return admitted;
  }

  /** Adds the flows of admitted orders; one Redis refuses is left to the safety net. */
  async startAll(orders: readonly AdmittedOrder[]): Promise<void> {
    for (const { certificateId, data } of orders) {
      try {
        await this.flows.start(data);
      } catch (error) {
        this.logger.warn({ msg: 'admitted order without its flow yet', certificateId, error });
      }
    }
  }

  /** The place and estimated start of each of `ids` that is queued. */
  async standings(ids: readonly string[], now = Date.now()): Promise<Map<string, QueueStanding>> {
    const standings = new Map<string, QueueStanding>();
    const order = await this.certificates.queueOrder();
    const places = ids.map((id) => order.indexOf(id) + 1).filter((place) => place > 0);
    if (places.length === 0) return standings;
    const pausedUntil = (await this.caPause?.pausedUntil())?.getTime() ?? now;
    const starts = estimateStarts(
      await this.ledger.read(now),
      this.ledger.budgets,
      Math.max(...places),
      Math.max(now, pausedUntil),
    );
    for (const place of places) {
      const id = order[place - 1];
      const start = starts[place - 1];
      if (id !== undefined && start !== undefined)
        standings.set(id, { place, estimatedStartAt: new Date(start) });
    }
    return standings;
  }
}
