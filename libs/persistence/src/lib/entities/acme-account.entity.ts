import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from './timestamp-columns';

/** The ACME account this deployment created at a CA, kept so that every worker uses the same one. */
@Entity('acme_accounts')
export class AcmeAccountEntity {
  /** The CA's directory URL: one account per CA. */
  @PrimaryColumn({ name: 'directory_url', type: 'varchar', length: 255 })
  directoryUrl!: string;

  /** The account's private key, encrypted like certificate keys. */
  @Column({ name: 'account_key_encrypted', type: 'text' })
  accountKeyEncrypted!: string;

  @Column({ name: 'account_url', type: 'varchar', length: 512 })
  accountUrl!: string;

  @CreatedAtColumn()
  createdAt!: Date;
}
