import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { AcmeAccountEntity } from '../entities/acme-account.entity';

// One MariaDB named lock for the whole deployment: workers that start together share an account.
const REGISTRATION_LOCK = 'starchart_acme_account';

/** The `acme_accounts` table: one ACME account per directory URL, its key sealed. */
@Injectable()
export class AcmeAccountsRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(AcmeAccountEntity) private readonly accounts: Repository<AcmeAccountEntity>,
  ) {}

  find(directoryUrl: string): Promise<AcmeAccountEntity | null> {
    return this.accounts.findOneBy({ directoryUrl });
  }

  /** The account of `directoryUrl`, created or replaced. */
  async store(
    account: Pick<AcmeAccountEntity, 'directoryUrl' | 'accountKeyEncrypted' | 'accountUrl'>,
  ): Promise<void> {
    await this.accounts.upsert(account, ['directoryUrl']);
  }

  /**
   * Runs `work` while this connection holds the registration lock, waiting up to `timeoutS` for
   * it; undefined, without running `work`, when another holder kept it that long.
   */
  async withRegistrationLock<T>(
    timeoutS: number,
    work: () => Promise<T>,
  ): Promise<{ value: T } | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = await runner.manager.query<{ acquired: number | null }[]>(
        'SELECT GET_LOCK(?, ?) AS acquired',
        [REGISTRATION_LOCK, timeoutS],
      );
      if (lock?.acquired !== 1) return undefined;
      try {
        return { value: await work() };
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [REGISTRATION_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
