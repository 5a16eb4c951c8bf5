import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FlowStep } from '@starchart/dns-flow';
import type { Request, Response } from 'express';
import { emptyBodySchema } from '../admin/admin.schemas';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { WriteRateLimitGuard } from '../http/write-rate-limit.guard';
import { IdempotencyStore } from './idempotency.store';
import { RecordEventsService } from './record-events.service';
import {
  createRecordSchema,
  type CreateRecordInput,
  listRecordsQuerySchema,
  type ListRecordsQuery,
  problemSchema,
  recordDetailSchema,
  recordPageSchema,
  type RecordView,
  recordViewSchema,
  updateRecordSchema,
  type UpdateRecordInput,
} from './record.schemas';
import { RECORDS_PATH, recordLocation, toRecordView } from './record-view';
import { type RecordPage, RecordsService, type WriteResult } from './records.service';

export interface RecordDetail extends RecordView {
  steps: FlowStep[] | null;
}

/** Documents an error answer; setupOpenApi gives it the application/problem+json media type. */
const ApiProblem = (status: number, description: string): MethodDecorator & ClassDecorator =>
  ApiResponse({ status, description, standardSchema: problemSchema });

@ApiTags('records')
@ApiBearerAuth()
@ApiProblem(401, 'Missing, expired or forged token.')
@ApiProblem(403, 'The token subject is not a valid username.')
@Controller(RECORDS_PATH.slice(1))
@UseGuards(WriteRateLimitGuard)
export class RecordsController {
  constructor(
    private readonly records: RecordsService,
    private readonly events: RecordEventsService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Create a record',
    description:
      'Answers at once with the record in status pending and starts the flow that writes it to DNS. ' +
      'Send an Idempotency-Key to make retries safe.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A retry with the same key and body replays the first answer (Idempotent-Replayed: true).',
  })
  @ApiResponse({
    status: 202,
    description: 'Accepted; Location names the record.',
    standardSchema: recordViewSchema,
  })
  @ApiProblem(400, 'Invalid input; errors[] names each field.')
  @ApiProblem(
    409,
    'Duplicate, CNAME conflict, your quota reached (quota-exceeded), or the DNS zone full (zone-full).',
  )
  @ApiProblem(415, 'The body is not JSON.')
  @ApiProblem(422, 'Idempotency-Key reused with another body.')
  @ApiProblem(429, 'Too many writes; see Retry-After.')
  @ApiProblem(503, 'The queue is unreachable; nothing was changed.')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: createRecordSchema }) input: CreateRecordInput,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordView> {
    const idempotent = IdempotencyStore.describe(
      principal.username,
      idempotencyKey,
      request.method,
      RECORDS_PATH,
      request.body,
    );
    return answer(response, await this.records.create(principal, input, idempotent));
  }

  @Get()
  @ApiOperation({
    summary: 'List records',
    description:
      "Your own records, ordered by name. Admins see everyone's, or one user's with ?username=.",
  })
  @ApiResponse({ status: 200, standardSchema: recordPageSchema })
  @ApiProblem(400, 'Invalid paging parameters.')
  @ApiProblem(403, "Only admins can list another user's records.")
  list(
    @CurrentPrincipal() principal: Principal,
    @Query({ schema: listRecordsQuerySchema }) query: ListRecordsQuery,
  ): Promise<RecordPage> {
    return this.records.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a record and the steps of its latest flow' })
  @ApiResponse({ status: 200, standardSchema: recordDetailSchema })
  @ApiProblem(404, 'No such record, or not yours.')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<RecordDetail> {
    const record = await this.records.findVisible(principal, id);
    return { ...toRecordView(record), steps: await this.records.stepsOf(record) };
  }

  @Patch(':id')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Change value, TTL or MX priority',
    description: 'Starts an update flow.',
  })
  @ApiResponse({ status: 202, standardSchema: recordViewSchema })
  @ApiProblem(400, 'Invalid input; errors[] names each field.')
  @ApiProblem(404, 'No such record, or not yours.')
  @ApiProblem(409, 'A flow for this record is still running.')
  @ApiProblem(429, 'Too many writes; see Retry-After.')
  @ApiProblem(503, 'The queue is unreachable; nothing was changed.')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body({ schema: updateRecordSchema }) patch: UpdateRecordInput,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordView> {
    return answer(response, await this.records.update(principal, id, patch));
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Delete a record',
    description:
      'Sets status deleting and starts the delete flow; the record disappears when it ends.',
  })
  @ApiResponse({ status: 202, standardSchema: recordViewSchema })
  @ApiProblem(404, 'No such record, or not yours.')
  @ApiProblem(409, 'A flow for this record is still running.')
  @ApiProblem(429, 'Too many writes; see Retry-After.')
  @ApiProblem(503, 'The queue is unreachable; nothing was changed.')
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordView> {
    return answer(response, await this.records.remove(principal, id));
  }

  @Post(':id/renew')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Renew a record',
    description:
      'Moves expiresAt to a full record lifetime from now and voids the expiry warnings already sent. ' +
      'Only the owner renews. The body is an empty JSON object. Changes nothing in DNS.',
  })
  @ApiResponse({ status: 200, standardSchema: recordViewSchema })
  @ApiProblem(404, 'No such record, or not yours.')
  @ApiProblem(409, 'The record is being removed (deleted, or expired); the detail says why.')
  @ApiProblem(400, 'The body is not an empty JSON object.')
  @ApiProblem(429, 'Too many writes; see Retry-After.')
  renew(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body({ schema: emptyBodySchema }) _body: Record<string, never>,
  ): Promise<RecordView> {
    return this.records.renew(principal, id);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'Follow a record until it settles (Server-Sent Events)',
    description:
      'event: status (the record), event: step (a flow step), and a final event: done ' +
      '{ status: active | error | gone, timedOut }. Comment lines are heartbeats.',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'An event stream.' })
  @ApiProblem(404, 'No such record, or not yours.')
  async follow(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    const record = await this.records.findVisible(principal, id);
    await this.events.stream(record, response);
  }
}

function answer(response: Response, result: WriteResult): RecordView {
  response.status(result.statusCode).location(recordLocation(result.body.id));
  if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return result.body;
}
