import { StepProcessor } from '@starchart/flow-runtime';
import { CERT_DELETE_FLOW, type CertDeleteKey } from '../flow';
import { certDeleteJobDataSchema, type CertDeleteJobData } from '../job-data';
import type { CertDeleteStep } from '../queues';

/** The delete flow's steps: its table and payload schema, for the shared step processor. */
export abstract class CertDeleteStepProcessor<Result> extends StepProcessor<
  CertDeleteStep,
  CertDeleteKey,
  CertDeleteJobData,
  Result
> {
  protected readonly flow = CERT_DELETE_FLOW;
  protected readonly dataSchema = certDeleteJobDataSchema;
}
