import { z } from 'zod';

const reconcileReportSchema = z
  .object({
    scanned: z.number().int().meta({ description: 'Record sets read from the hosted zone.' }),
    upserted: z.number().int().meta({ description: 'Active records written to Route 53 again.' }),
    deleted: z
      .number()
      .int()
      .meta({ description: "Unknown record sets removed from users' zones." }),
    requeued: z.number().int().meta({ description: 'Stalled records whose flow was resumed.' }),
    skippedInFlight: z
      .number()
      .int()
      .meta({ description: 'Records and names left alone because a flow works on them.' }),
    failed: z.number().int().meta({ description: 'Changes that failed; the next run retries.' }),
    durationMs: z.number().int(),
    zone: z
      .object({
        recordSets: z.number().int().meta({ description: 'Record sets in the hosted zone.' }),
        quota: z
          .number()
          .int()
          .meta({ description: 'Record sets it may hold (MAX_RRSETS_BY_ZONE).' }),
      })
      .nullable()
      .meta({ description: 'Read at the end of the run; null when Route 53 did not answer.' }),
  })
  .meta({ id: 'ReconcileReport' });

export const reconcileAcceptedSchema = z
  .object({ jobId: z.string().meta({ example: 'reconcile-3f6c…' }) })
  .meta({ id: 'ReconcileAccepted' });

export const reconcileRunSchema = z
  .object({
    jobId: z.string(),
    trigger: z.enum(['schedule', 'admin']),
    state: z.string().meta({ description: 'waiting, delayed, active, completed or failed.' }),
    report: reconcileReportSchema.nullable().meta({ description: 'Set once the run completed.' }),
    failedReason: z.string().nullable(),
    queuedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ReconcileRun' });

export type ReconcileRunView = z.infer<typeof reconcileRunSchema>;
