import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { UsersRepository } from '@starchart/persistence';
import type { Request } from 'express';
import { from, type Observable, switchMap } from 'rxjs';
import type { Principal } from '../auth/principal';

// A person's row is written when their address changes and otherwise at most this often, so a
// busy client costs one write every few minutes, not one per request.
const SIGHTING_WRITE_INTERVAL_MS = 5 * 60_000;
// Bounds the memory of who was written recently; an evicted person is simply written again.
const REMEMBERED_SIGHTINGS = 10_000;

interface Written {
  email: string | null;
  at: number;
}

/**
 * Keeps the `users` table in step with the callers: a person's row exists from their first
 * authenticated request, and their address follows the token's `email` claim.
 */
@Injectable()
export class UserSightings {
  private readonly written = new Map<string, Written>();

  constructor(private readonly users: UsersRepository) {}

  async seen(principal: Principal, now = new Date()): Promise<void> {
    const last = this.written.get(principal.username);
    if (
      last &&
      last.email === principal.email &&
      now.getTime() - last.at < SIGHTING_WRITE_INTERVAL_MS
    ) {
      return;
    }
    await this.users.recordSighting({
      username: principal.username,
      email: principal.email,
      seenAt: now,
    });
    this.written.delete(principal.username);
    // A Map iterates in insertion order, so the first key is the one written longest ago.
    if (this.written.size >= REMEMBERED_SIGHTINGS) {
      const oldest = this.written.keys().next();
      if (!oldest.done) this.written.delete(oldest.value);
    }
    this.written.set(principal.username, { email: principal.email, at: now.getTime() });
  }
}

/** Registered globally: runs after the guards, so only for verified callers and a reachable database. */
@Injectable()
export class UserSightingsInterceptor implements NestInterceptor {
  constructor(private readonly sightings: UserSightings) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const principal = context.switchToHttp().getRequest<Request>().principal;
    if (!principal) return next.handle();
    return from(this.sightings.seen(principal)).pipe(switchMap(() => next.handle()));
  }
}
