import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { NOTICE_KINDS } from '@starchart/flow-runtime/table';
import { NotificationsRepository } from '@starchart/persistence';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { WriteRateLimitGuard } from '../http/write-rate-limit.guard';
import { problemSchema } from '../records/record.schemas';
import {
  notificationPreferencesSchema,
  notificationPreferencesUpdateSchema,
  type NotificationPreferences,
  type NotificationPreferencesUpdate,
} from './notification-preferences.schemas';

const ApiProblem = (status: number, description: string): MethodDecorator & ClassDecorator =>
  ApiResponse({ status, description, standardSchema: problemSchema });

/** Which kinds of mail the caller gets; every kind is on until turned off. */
@ApiTags('me')
@ApiBearerAuth()
@ApiProblem(401, 'Missing, expired or forged token.')
@ApiProblem(403, 'The token subject is not a valid username.')
@Controller('api/v1/me/notifications')
@UseGuards(WriteRateLimitGuard)
export class NotificationPreferencesController {
  constructor(private readonly notifications: NotificationsRepository) {}

  @Get()
  @ApiOperation({ summary: 'Which kinds of mail you get' })
  @ApiResponse({ status: 200, standardSchema: notificationPreferencesSchema })
  async get(@CurrentPrincipal() principal: Principal): Promise<NotificationPreferences> {
    return toPreferences(await this.notifications.turnedOff(principal.username));
  }

  @Put()
  @ApiOperation({
    summary: 'Turn kinds of mail on or off',
    description:
      'Names the kinds to change (true: send, false: do not); the others stay. Answers every kind. ' +
      'Mails already on their way are checked again just before sending.',
  })
  @ApiResponse({ status: 200, standardSchema: notificationPreferencesSchema })
  @ApiProblem(400, 'Not an object of known kinds with true or false; errors[] names each field.')
  @ApiProblem(415, 'The body is not JSON.')
  @ApiProblem(429, 'Too many writes; see Retry-After.')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Body({ schema: notificationPreferencesUpdateSchema }) changes: NotificationPreferencesUpdate,
  ): Promise<NotificationPreferences> {
    const current = toPreferences(await this.notifications.turnedOff(principal.username));
    const wanted = { ...current, ...changes };
    await this.notifications.setTurnedOff(
      principal.username,
      NOTICE_KINDS.filter((kind) => !wanted[kind]),
    );
    return wanted;
  }
}

function toPreferences(off: readonly string[]): NotificationPreferences {
  return Object.fromEntries(
    NOTICE_KINDS.map((kind) => [kind, !off.includes(kind)]),
  ) as NotificationPreferences;
}
