import { Inject, Injectable } from '@nestjs/common';
import { pollDelay, type WaitCheck } from '@starchart/flow-runtime';
import {
  InvalidChangeError,
  RecordSetNotFoundError,
  Route53AccessDeniedError,
  Route53Service,
} from '@starchart/route53';
import { CERT_STEP_SETTINGS, type CertStepSettings } from '../cert-flow-options';
import {
  authoritativeServersAnswer,
  dnsServerAddress,
  nameServerAddresses,
} from '../challenge-dns';
import { ChallengePropagationTimeoutError, ChallengeRecordRefusedError } from '../errors';
import { CERT_FLOW } from '../flow';
import type { CertJobData, CreateAcmeOrderResult, WriteChallengeRecordResult } from '../job-data';
import { CERT_QUEUES } from '../queues';

const CHALLENGE_TTL_S = 60;

/**
 * The `_acme-challenge` TXT set of an order in Route 53 and in the zone's DNS: written, waited
 * for, removed. Safe to run twice: the write is an UPSERT of exact values, the removal deletes
 * whatever set is there.
 */
@Injectable()
export class ChallengeRecords {
  constructor(
    private readonly route53: Route53Service,
    @Inject(CERT_STEP_SETTINGS) private readonly settings: CertStepSettings,
  ) {}

  /** write-challenge-record: one TXT set at `_acme-challenge.<user>` holding every value. */
  async write(job: CertJobData, order: CreateAcmeOrderResult): Promise<WriteChallengeRecordResult> {
    const values = [...new Set(order.challenges.map((challenge) => challenge.txtValue))];
    const submittedAt = Date.now();
    if (values.length === 0) return { ...order, changeId: null, submittedAt };
    try {
      const { changeId } = await this.route53.submitChange({
        action: 'UPSERT',
        recordSet: { name: job.challengeName, type: 'TXT', ttl: CHALLENGE_TTL_S, values },
      });
      return { ...order, changeId, submittedAt };
    } catch (error) {
      throw explainRoute53Failure(error, job.challengeName);
    }
  }

  /** check-challenge-dns: Route 53 says INSYNC and the authoritative servers answer every value. */
  async checkPropagation(
    job: CertJobData,
    written: WriteChallengeRecordResult,
  ): Promise<WaitCheck<CreateAcmeOrderResult>> {
    const result = {
      order: written.order,
      challenges: written.challenges,
      ...(written.orderedAt !== undefined && { orderedAt: written.orderedAt }),
    };
    if (written.changeId === null) return { done: true, result };
    const waited = Date.now() - written.submittedAt;
    if (waited > this.settings.propagationDeadlineMs)
      throw new ChallengePropagationTimeoutError(
        `the challenge record ${job.challengeName} was not served by the zone's DNS within ` +
          `${this.settings.propagationDeadlineMs / 1000} s; nothing was issued, order again later`,
      );
    const retry = {
      done: false as const,
      retryInMs: pollDelay(waited, CERT_FLOW.pollPolicy(CERT_QUEUES.checkChallengeDns)),
    };
    const status = await this.route53.getChangeStatus(written.changeId);
    if (status !== 'INSYNC') return retry;
    const values = written.challenges.map((challenge) => challenge.txtValue);
    const served = await authoritativeServersAnswer(
      job.challengeName,
      values,
      await this.dnsServers(),
    );
    return served ? { done: true, result } : retry;
  }

  /** Removes the challenge TXT set at `name`, whatever values it holds; returns how many. */
  async remove(name: string): Promise<number> {
    // Twice at most: the set may change between reading it and deleting its exact values.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const current = await this.route53.getRecordSet(name, 'TXT');
      if (!current) return 0;
      try {
        await this.route53.submitChange({ action: 'DELETE', recordSet: current });
        return current.values.length;
      } catch (error) {
        if (error instanceof RecordSetNotFoundError) return 0;
        if (!(error instanceof InvalidChangeError)) throw error;
      }
    }
    throw new ChallengeRecordRefusedError(`Route 53 refused to delete ${name} TXT`);
  }

  /** The servers that answer for the zone: the configured check server, else the zone's NS. */
  async dnsServers(): Promise<string[]> {
    if (this.settings.dnsCheckServer !== undefined)
      return [await dnsServerAddress(this.settings.dnsCheckServer)];
    const zone = await this.route53.zoneName;
    const ns = await this.route53.getRecordSet(zone, 'NS');
    return nameServerAddresses(ns?.values.map((host) => host.replace(/\.$/, '')) ?? []);
  }
}

/** Route 53's refusals in words a user can act on; retryable errors pass through. */
function explainRoute53Failure(error: unknown, name: string): unknown {
  if (error instanceof InvalidChangeError || error instanceof Route53AccessDeniedError)
    return new ChallengeRecordRefusedError(
      `Route 53 refused the challenge record ${name}: ${error.message}`,
      { cause: error },
    );
  return error;
}
