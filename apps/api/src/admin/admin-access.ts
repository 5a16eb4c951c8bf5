import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import type { Request } from 'express';
import { ForbiddenError } from '../problems/api-errors';

/** On every admin controller: only a verified caller with the admin role gets further. */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { principal } = context.switchToHttp().getRequest<Request>();
    if (!principal?.isAdmin) throw new ForbiddenError('Only admins can use the admin routes.');
    return true;
  }
}

/** Who acts and in which request: what every audit entry records. */
export interface AdminActor {
  username: string;
  requestId: string;
}

/** The admin behind the request; only valid on routes behind AdminGuard. */
export const CurrentAdmin = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AdminActor => {
    const { principal, requestId } = context.switchToHttp().getRequest<Request>();
    if (!principal?.isAdmin || requestId === undefined)
      throw new Error('CurrentAdmin used on a route that AdminGuard did not check');
    return { username: principal.username, requestId };
  },
);
