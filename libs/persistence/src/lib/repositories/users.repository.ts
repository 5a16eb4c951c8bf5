import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { UserEntity } from '../entities/user.entity';

export interface UserSighting {
  username: string;
  email: string | null;
  seenAt: Date;
}

/** The `users` table: who has called the api, and where to write to them. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** Creates the person's row on first sight, else refreshes their address and last_seen_at. */
  async recordSighting({ username, email, seenAt }: UserSighting): Promise<void> {
    await this.users.query(
      'INSERT INTO users (username, email, last_seen_at) VALUES (?, ?, ?) ' +
        'ON DUPLICATE KEY UPDATE email = VALUES(email), last_seen_at = VALUES(last_seen_at)',
      [username, email, seenAt],
    );
  }

  find(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ username });
  }
}
