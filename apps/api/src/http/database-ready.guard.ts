import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DatabaseConnector } from '@starchart/persistence';
import { PUBLIC_ROUTE } from '../auth/auth.guard';

/**
 * Registered after AuthGuard: until the database has been reached once, every authenticated
 * route answers 503 (public ones such as health still answer, and say why).
 */
@Injectable()
export class DatabaseReadyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly database: DatabaseConnector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!isPublic) this.database.assertConnected();
    return true;
  }
}
