import { StepProcessor } from '@starchart/flow-runtime';
import { CERT_FLOW, type CertFlowKey } from '../flow';
import { certJobDataSchema, type CertJobData } from '../job-data';
import type { CertFlowStep } from '../queues';

/** The certificate flow's steps: its table and payload schema, for the shared step processor. */
export abstract class CertStepProcessor<Result> extends StepProcessor<
  CertFlowStep,
  CertFlowKey,
  CertJobData,
  Result
> {
  protected readonly flow = CERT_FLOW;
  protected readonly dataSchema = certJobDataSchema;
}
