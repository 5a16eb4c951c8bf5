import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { type AdminActor, CurrentAdmin } from './admin-access';
import { AdminController, ApiProblem } from './admin-problems';
import { type UserDetail, AdminUsersService } from './admin-users.service';
import {
  deleteUserSchema,
  type DeleteUserInput,
  lockUserSchema,
  type LockUserInput,
  quotaOverrideSchema,
  type QuotaOverrideInput,
  userDeletionSchema,
  type UserDeletionView,
  userDetailSchema,
  userPageSchema,
  usernameSchema,
  userSearchQuerySchema,
  type UserSearchQuery,
  userSummarySchema,
  type UserSummaryView,
} from './admin.schemas';

@AdminController()
@Controller('api/v1/admin/users')
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Get()
  @ApiOperation({
    summary: 'Find people',
    description:
      'By a prefix of the username or e-mail address, ordered by username, with their record count, certificate, last call and lock.',
  })
  @ApiResponse({ status: 200, standardSchema: userPageSchema })
  @ApiProblem(400, 'Invalid query parameters.')
  search(
    @Query({ schema: userSearchQuerySchema }) query: UserSearchQuery,
  ): Promise<{ items: UserSummaryView[]; nextCursor: string | null }> {
    return this.users.search(query);
  }

  @Get(':username')
  @ApiOperation({
    summary: "A person's page",
    description:
      'Their records, certificate, latest flows with the errors of their steps, and what admins did to them.',
  })
  @ApiResponse({ status: 200, standardSchema: userDetailSchema })
  @ApiProblem(404, 'No such person.')
  detail(@Param('username', { schema: usernameSchema }) username: string): Promise<UserDetail> {
    return this.users.detail(username);
  }

  @Put(':username/lock')
  @ApiOperation({
    summary: 'Lock a person',
    description:
      'Their writes get 403 with the reason (within 5 s on every api process); their records stay and stay readable.',
  })
  @ApiResponse({ status: 200, standardSchema: userSummarySchema })
  @ApiProblem(400, 'Invalid body; errors[] names each field.')
  @ApiProblem(404, 'No such person.')
  lock(
    @CurrentAdmin() actor: AdminActor,
    @Param('username', { schema: usernameSchema }) username: string,
    @Body({ schema: lockUserSchema }) input: LockUserInput,
  ): Promise<UserSummaryView> {
    return this.users.lock(actor, username, input.reason);
  }

  @Delete(':username/lock')
  @ApiOperation({ summary: 'Unlock a person' })
  @ApiResponse({ status: 200, standardSchema: userSummarySchema })
  @ApiProblem(404, 'No such person.')
  unlock(
    @CurrentAdmin() actor: AdminActor,
    @Param('username', { schema: usernameSchema }) username: string,
  ): Promise<UserSummaryView> {
    return this.users.unlock(actor, username);
  }

  @Put(':username/quota')
  @ApiOperation({
    summary: "Set a person's record quota",
    description: 'Used by the quota check of every create; null gives them RECORD_QUOTA again.',
  })
  @ApiResponse({ status: 200, standardSchema: userSummarySchema })
  @ApiProblem(400, 'Invalid body; errors[] names each field.')
  @ApiProblem(404, 'No such person.')
  setQuota(
    @CurrentAdmin() actor: AdminActor,
    @Param('username', { schema: usernameSchema }) username: string,
    @Body({ schema: quotaOverrideSchema }) input: QuotaOverrideInput,
  ): Promise<UserSummaryView> {
    return this.users.setQuota(actor, username, input.quota);
  }

  @Post(':username/deletion')
  @ApiOperation({
    summary: 'Delete a person',
    description:
      'Locks them, starts the delete flow of each record, and once none is left deletes the certificate and then the person. ' +
      'Answers 202 while records are being deleted (POST again after they are gone) and 200 once the person is deleted.',
  })
  @ApiResponse({ status: 200, description: 'Deleted.', standardSchema: userDeletionSchema })
  @ApiResponse({ status: 202, description: 'Deleting.', standardSchema: userDeletionSchema })
  @ApiProblem(400, 'Invalid body, or confirm is not the username.')
  @ApiProblem(404, 'No such person.')
  @ApiProblem(503, 'The queue is unreachable; some delete flows may not have started.')
  async delete(
    @CurrentAdmin() actor: AdminActor,
    @Param('username', { schema: usernameSchema }) username: string,
    @Body({ schema: deleteUserSchema }) input: DeleteUserInput,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserDeletionView> {
    const deletion = await this.users.delete(actor, username, input);
    response.status(deletion.state === 'deleted' ? 200 : 202);
    return deletion;
  }
}
