import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { AdminController, ApiProblem } from './admin-problems';
import { AdminAuditService } from './admin-audit.service';
import {
  auditPageSchema,
  auditQuerySchema,
  type AuditEntryView,
  type AuditQuery,
} from './admin.schemas';

@AdminController()
@Controller('api/v1/admin/audit')
export class AdminAuditController {
  constructor(private readonly audit: AdminAuditService) {}

  @Get()
  @ApiOperation({
    summary: 'The admin audit log',
    description:
      'Every admin action (who, what, on whom, when, request id, outcome), newest first. Append-only.',
  })
  @ApiResponse({ status: 200, standardSchema: auditPageSchema })
  @ApiProblem(400, 'Invalid query parameters.')
  page(
    @Query({ schema: auditQuerySchema }) query: AuditQuery,
  ): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    return this.audit.page(query);
  }
}
