import { Controller, Get, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ReconcileRequests } from '@starchart/dns-flow';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import {
  ForbiddenError,
  ReconcileRunNotFoundError,
  ServiceUnavailableError,
} from '../problems/api-errors';
import { problemSchema } from '../records/record.schemas';
import {
  reconcileAcceptedSchema,
  reconcileRunSchema,
  type ReconcileRunView,
} from './reconcile.schemas';

/** Admins start a reconcile run at once, instead of waiting for the next scheduled one. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiResponse({
  status: 401,
  description: 'Missing, expired or forged token.',
  standardSchema: problemSchema,
})
@ApiResponse({
  status: 403,
  description: 'The caller is not an admin.',
  standardSchema: problemSchema,
})
@Controller('api/v1/admin/reconcile')
export class ReconcileController {
  private readonly logger = new Logger(ReconcileController.name);

  constructor(private readonly requests: ReconcileRequests) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Reconcile the hosted zone with the database now',
    description:
      'Queues a run (it waits for a run in progress) and answers with its job id; read its report with GET.',
  })
  @ApiResponse({ status: 202, standardSchema: reconcileAcceptedSchema })
  @ApiResponse({
    status: 503,
    description: 'The queue is unreachable.',
    standardSchema: problemSchema,
  })
  async start(@CurrentPrincipal() principal: Principal): Promise<{ jobId: string }> {
    assertAdmin(principal);
    try {
      return { jobId: await this.requests.request(principal.username) };
    } catch (error) {
      this.logger.error({ msg: 'queueing a reconcile run failed', error });
      throw new ServiceUnavailableError('The job queue cannot be reached right now. Try again.');
    }
  }

  @Get(':jobId')
  @ApiOperation({ summary: 'Read a reconcile run and, once it completed, its report' })
  @ApiResponse({ status: 200, standardSchema: reconcileRunSchema })
  @ApiResponse({ status: 404, description: 'No such run.', standardSchema: problemSchema })
  async find(
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
  ): Promise<ReconcileRunView> {
    assertAdmin(principal);
    const run = await this.requests.find(jobId);
    if (!run) throw new ReconcileRunNotFoundError(jobId);
    return {
      ...run,
      queuedAt: run.queuedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  }
}

function assertAdmin(principal: Principal): void {
  if (!principal.isAdmin) throw new ForbiddenError('Only admins can run the reconciler.');
}
