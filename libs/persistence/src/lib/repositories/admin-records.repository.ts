import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import {
  DnsRecordEntity,
  type DnsRecordType,
  type RecordStatus,
} from '../entities/dns-record.entity';

/** Where a page of records across all users starts: after this row, newest change first. */
export interface RecordKeyset {
  updatedAt: Date;
  id: string;
}

export interface AdminRecordFilter {
  status?: RecordStatus;
  /** Only records whose last change is older than this (stuck in their status since). */
  updatedBefore?: Date;
  /** A prefix of the fully qualified name, which starts with the record's relative name. */
  fqdnPrefix?: string;
  type?: DnsRecordType;
  username?: string;
  after?: RecordKeyset;
  limit: number;
}

/**
 * Records of every user for the admin console. Pages are keyset pages over (updated_at, id),
 * which IDX_dns_records_updated_at, IDX_dns_records_username_updated_at and
 * IDX_dns_records_status_updated_at serve (InnoDB appends the primary key to each), so a deep
 * page costs what the first one does.
 */
@Injectable()
export class AdminRecordsRepository {
  constructor(
    @InjectRepository(DnsRecordEntity) private readonly records: Repository<DnsRecordEntity>,
  ) {}

  /** How many records `username` owns, in any status. */
  countOwnedBy(username: string): Promise<number> {
    return this.records.countBy({ username });
  }

  /** The ids of `username`'s records no flow works on (active or error): the ones to delete now. */
  async findSettledIds(username: string): Promise<string[]> {
    const rows = await this.records.find({
      select: { id: true },
      where: { username, status: In(['active', 'error']) },
    });
    return rows.map((row) => row.id);
  }

  /** Newest change first; one more than `limit` rows tells the caller there is a next page. */
  page(filter: AdminRecordFilter): Promise<DnsRecordEntity[]> {
    const query = this.records.createQueryBuilder('record');
    if (filter.status !== undefined) query.andWhere('record.status = :status', filter);
    if (filter.updatedBefore !== undefined)
      query.andWhere('record.updatedAt < :updatedBefore', filter);
    if (filter.type !== undefined) query.andWhere('record.type = :type', filter);
    if (filter.username !== undefined) query.andWhere('record.username = :username', filter);
    if (filter.fqdnPrefix !== undefined) {
      query.andWhere('record.fqdn LIKE :fqdnLike', {
        fqdnLike: `${escapeLike(filter.fqdnPrefix)}%`,
      });
    }
    if (filter.after !== undefined) {
      // Spelled out rather than as a row comparison, so that both MariaDB and MySQL see a range
      // on updated_at.
      query.andWhere(
        'record.updatedAt <= :afterUpdatedAt AND (record.updatedAt < :afterUpdatedAt OR record.id < :afterId)',
        { afterUpdatedAt: filter.after.updatedAt, afterId: filter.after.id },
      );
    }
    return query
      .orderBy('record.updatedAt', 'DESC')
      .addOrderBy('record.id', 'DESC')
      .limit(filter.limit + 1)
      .getMany();
  }
}

/** A LIKE pattern that matches `text` literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
