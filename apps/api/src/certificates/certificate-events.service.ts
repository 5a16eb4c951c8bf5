import { Inject, Injectable } from '@nestjs/common';
import {
  CertificatesRepository,
  type CertificateEntity,
  type CertificateStatus,
} from '@starchart/persistence';
import type { Response } from 'express';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { ProgressStreams, type ProgressSnapshot } from '../http/progress-stream';
import { toCertificateView } from './certificate-view';
import { CertificatesService } from './certificates.service';

const SETTLED: readonly CertificateStatus[] = ['issued', 'failed', 'revocation-failed'];

/** A certificate's order or delete as Server-Sent Events, until it is issued, failed or gone. */
@Injectable()
export class CertificateEventsService {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly certificates: CertificatesRepository,
    private readonly certificatesService: CertificatesService,
    private readonly streams: ProgressStreams,
  ) {}

  async stream(certificate: CertificateEntity, response: Response): Promise<void> {
    let latest = certificate;
    const read = async (): Promise<ProgressSnapshot> => {
      const row = await this.certificates.findById(certificate.id);
      if (row) latest = row;
      const standings = row ? await this.certificatesService.standings([row]) : new Map();
      return {
        view: row && toCertificateView(row, standings.get(row.id)),
        statusKey: JSON.stringify([latest.status, latest.statusReason, latest.flowId]),
        steps: (await this.certificatesService.stepsOf(latest)) ?? [],
        settled: row === null || SETTLED.includes(row.status),
        done: { status: row ? row.status : 'gone', statusReason: row ? row.statusReason : null },
      };
    };
    await this.streams.stream(response, this.config.events, read, {
      certificateId: certificate.id,
    });
  }
}
