import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AdminUsersRepository, type UserLock } from '@starchart/persistence';
import type { Request } from 'express';
import { AccountLockedError } from '../problems/api-errors';

// How long one process trusts what it read: a lock set through another api process takes
// effect within this time; one set through this process at once.
const LOCK_CACHE_MS = 5_000;
// Bounds the memory of who was looked up; an evicted person is simply read again.
const REMEMBERED_LOCKS = 10_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ADMIN_PATH = '/api/v1/admin/';

interface CachedLock {
  lock: UserLock | null;
  until: number;
}

/** Who is locked, read from the users table at most once per person every few seconds. */
@Injectable()
export class AccountLocks {
  private readonly cached = new Map<string, CachedLock>();

  constructor(private readonly users: AdminUsersRepository) {}

  async lockOf(username: string, now = Date.now()): Promise<UserLock | null> {
    const hit = this.cached.get(username);
    if (hit && hit.until > now) return hit.lock;
    const lock = await this.users.lockOf(username);
    this.cached.delete(username);
    // A Map iterates in insertion order, so the first key is the one read longest ago.
    if (this.cached.size >= REMEMBERED_LOCKS) {
      const oldest = this.cached.keys().next();
      if (!oldest.done) this.cached.delete(oldest.value);
    }
    this.cached.set(username, { lock, until: now + LOCK_CACHE_MS });
    return lock;
  }

  /** After a lock or unlock through this process: the next request reads the table again. */
  forget(username: string): void {
    this.cached.delete(username);
  }
}

/**
 * Registered globally after AuthGuard: a locked person's writes are refused with the reason, and
 * a locked admin cannot use the admin routes at all. Reads of their own records still work.
 */
@Injectable()
export class AccountLockGuard implements CanActivate {
  constructor(private readonly locks: AccountLocks) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const { principal } = request;
    if (!principal) return true;
    if (SAFE_METHODS.has(request.method) && !request.path.startsWith(ADMIN_PATH)) return true;
    const lock = await this.locks.lockOf(principal.username);
    if (lock) throw new AccountLockedError(lock.reason);
    return true;
  }
}
