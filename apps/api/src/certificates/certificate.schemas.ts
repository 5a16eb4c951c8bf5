import { CERT_DELETE_FLOW, CERT_FLOW } from '@starchart/cert-flow';
import { CERTIFICATE_STATUSES } from '@starchart/persistence';
import { z } from 'zod';

export const certificateViewSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    domains: z.array(z.string()).meta({ example: ['alice.example.com', '*.alice.example.com'] }),
    status: z.enum(CERTIFICATE_STATUSES).meta({
      description:
        'queued: waits for the issuance budget (see queue), starts by itself; ' +
        'pending: first order running; issued: downloadable; failed: see statusReason; renewing: a new order runs, the current certificate stays downloadable; ' +
        'deleting: being revoked at the CA, then removed; revocation-failed: the CA did not revoke it (its answer in statusReason), so it was kept and stays downloadable.',
    }),
    statusReason: z.string().nullable(),
    validFrom: z.iso.datetime().nullable(),
    validTo: z.iso.datetime().nullable(),
    queue: z
      .object({
        place: z.number().int().min(1).meta({
          description: '1: the next order to start. First come first served.',
        }),
        estimatedStartAt: z.iso.datetime().meta({
          description:
            'When the order should start: when enough earlier admissions leave the budget windows (a renewal admitted meanwhile can move it later).',
        }),
      })
      .nullable()
      .meta({
        description:
          'Its place in the issuance queue while status is queued; null otherwise, or while the queue cannot be read.',
      }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Certificate' });
export type CertificateView = z.infer<typeof certificateViewSchema>;

const certStepSchema = z.object({
  step: z.enum([...CERT_FLOW.stepNames, ...CERT_DELETE_FLOW.stepNames]),
  jobId: z.string(),
  state: z.string(),
  attempts: z.number().int(),
  failedReason: z.string().nullable(),
  processedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});

export const certificateDetailSchema = certificateViewSchema
  .extend({
    steps: z.array(certStepSchema).nullable().meta({
      description:
        'The steps of the latest order, root first; null when the queue cannot be reached right now.',
    }),
  })
  .meta({ id: 'CertificateWithSteps' });

export const certificateListSchema = z
  .object({ items: z.array(certificateViewSchema) })
  .meta({ id: 'CertificateList' });

export const deleteCertificateQuerySchema = z.strictObject({
  force: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((text) => text === 'true')
    .meta({
      description:
        'true: remove a certificate in status revocation-failed without asking the CA again.',
    }),
});
export type DeleteCertificateQuery = z.output<typeof deleteCertificateQuerySchema>;
