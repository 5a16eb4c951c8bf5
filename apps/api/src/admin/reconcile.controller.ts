import { Body, Controller, Get, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { type ReconcileRun, ReconcileRequests } from '@starchart/dns-flow';
import { ReconcileRunNotFoundError, ServiceUnavailableError } from '../problems/api-errors';
import { type AdminActor, CurrentAdmin } from './admin-access';
import { AdminAudit } from './admin-audit';
import { AdminController, ApiProblem } from './admin-problems';
import { emptyBodySchema } from './admin.schemas';
import {
  reconcileAcceptedSchema,
  reconcileRunSchema,
  type ReconcileRunView,
} from './reconcile.schemas';

/** Admins start a reconcile run at once, instead of waiting for the next scheduled one. */
@AdminController()
@Controller('api/v1/admin/reconcile')
export class ReconcileController {
  private readonly logger = new Logger(ReconcileController.name);

  constructor(
    private readonly requests: ReconcileRequests,
    private readonly audit: AdminAudit,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Reconcile the hosted zone with the database now',
    description:
      'Queues a run (it waits for a run in progress) and answers with its job id; read its report with GET.',
  })
  @ApiResponse({ status: 202, standardSchema: reconcileAcceptedSchema })
  @ApiProblem(503, 'The queue is unreachable.')
  @ApiProblem(400, 'The body is not an empty JSON object.')
  start(
    @CurrentAdmin() actor: AdminActor,
    @Body({ schema: emptyBodySchema }) _body: Record<string, never>,
  ): Promise<{ jobId: string }> {
    return this.audit.run(actor, 'reconcile.run', { username: null }, async () => {
      let jobId: string;
      try {
        jobId = await this.requests.request(actor.username);
      } catch (error) {
        this.logger.error({ msg: 'queueing a reconcile run failed', error });
        throw new ServiceUnavailableError('The job queue cannot be reached right now. Try again.');
      }
      return { result: { jobId }, detail: jobId };
    });
  }

  // Declared before :jobId, which would otherwise take "latest" for a job id.
  @Get('latest')
  @ApiOperation({
    summary: 'The last finished reconcile run and its report',
    description: 'Scheduled or asked for by an admin, whichever finished last.',
  })
  @ApiResponse({ status: 200, standardSchema: reconcileRunSchema })
  @ApiProblem(404, 'No run has finished yet (or runs were removed by retention).')
  async latest(): Promise<ReconcileRunView> {
    const run = await this.requests.latest();
    if (!run) throw new ReconcileRunNotFoundError();
    return toView(run);
  }

  @Get(':jobId')
  @ApiOperation({ summary: 'Read a reconcile run and, once it completed, its report' })
  @ApiResponse({ status: 200, standardSchema: reconcileRunSchema })
  @ApiProblem(404, 'No such run.')
  async find(@Param('jobId') jobId: string): Promise<ReconcileRunView> {
    const run = await this.requests.find(jobId);
    if (!run) throw new ReconcileRunNotFoundError(jobId);
    return toView(run);
  }
}

function toView(run: ReconcileRun): ReconcileRunView {
  return {
    ...run,
    queuedAt: run.queuedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
