import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { RecordView } from '../records/record.schemas';
import { recordViewSchema } from '../records/record.schemas';
import { type AdminActor, CurrentAdmin } from './admin-access';
import { AdminController, ApiProblem } from './admin-problems';
import { type AdminRecordPage, AdminRecordsService } from './admin-records.service';
import {
  adminRecordPageSchema,
  adminRecordsQuerySchema,
  type AdminRecordsQuery,
  emptyBodySchema,
} from './admin.schemas';

@AdminController()
@Controller('api/v1/admin/records')
export class AdminRecordsController {
  constructor(private readonly records: AdminRecordsService) {}

  @Get()
  @ApiOperation({
    summary: 'Records of every user',
    description:
      'Newest change first, filtered by status, time stuck in it, name prefix, type and owner; keyset pages that cost the same at any depth.',
  })
  @ApiResponse({ status: 200, standardSchema: adminRecordPageSchema })
  @ApiProblem(400, 'Invalid query parameters.')
  list(
    @Query({ schema: adminRecordsQuerySchema }) query: AdminRecordsQuery,
  ): Promise<AdminRecordPage> {
    return this.records.list(query);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retry a record in error',
    description:
      'The operation of its failed flow runs again as a new version; follow it at GET /api/v1/records/{id}/events.',
  })
  @ApiResponse({ status: 202, standardSchema: recordViewSchema })
  @ApiProblem(404, 'No such record.')
  @ApiProblem(409, 'The record is not in error.')
  @ApiProblem(503, 'The queue is unreachable; nothing was changed.')
  @ApiProblem(400, 'The body is not an empty JSON object.')
  retry(
    @CurrentAdmin() actor: AdminActor,
    @Param('id') id: string,
    @Body({ schema: emptyBodySchema }) _body: Record<string, never>,
  ): Promise<RecordView> {
    return this.records.retry(actor, id);
  }
}
