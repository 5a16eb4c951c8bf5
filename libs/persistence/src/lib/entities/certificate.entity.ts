import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from './timestamp-columns';

/**
 * A certificate's lifecycle; the same words in the API, the flows and this column. `deleting`:
 * a worker revokes it at the CA, then removes it; `revocation-failed`: the CA refused (or could
 * not take) the revocation, so it was kept, with the CA's answer in status_reason. `queued`: a
 * new order waits for the issuance budget (`queued_at` gives its place), no flow yet.
 */
export const CERTIFICATE_STATUSES = [
  'pending',
  'issued',
  'failed',
  'renewing',
  'deleting',
  'revocation-failed',
  'queued',
] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** Reasons longer than this are cut to fit the column. */
export const MAX_CERTIFICATE_REASON_LENGTH = 1024;

/**
 * The one certificate of a user, for `<username>.<ROOT_DOMAIN>` and `*.<username>.<ROOT_DOMAIN>`.
 * The private key is stored encrypted (AES-256-GCM, see cert-flow's KeyCipher), never in clear.
 */
@Entity('certificates')
// One certificate per user: it names the user's whole zone.
@Index('UQ_certificates_username', ['username'], { unique: true })
// The renewal run looks for certificates that expire soon.
@Index('IDX_certificates_status_valid_to', ['status', 'validTo'])
// The admission run reads the queue first come first served; a place counts the rows ahead.
@Index('IDX_certificates_status_queued_at', ['status', 'queuedAt'])
export class CertificateEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** The names on the certificate: the user's name, then its wildcard. */
  @Column({ type: 'json' })
  domains!: string[];

  @Column({ type: 'enum', enum: CERTIFICATE_STATUSES })
  status!: CertificateStatus;

  /** Why the latest order failed, in words the user can act on. */
  @Column({
    name: 'status_reason',
    type: 'varchar',
    length: MAX_CERTIFICATE_REASON_LENGTH,
    nullable: true,
  })
  statusReason!: string | null;

  /** +1 each time the user orders again after a failure; issue flow ids derive from it. */
  @Column({ type: 'int', unsigned: true })
  version!: number;

  /** Root job id of the latest flow. */
  @Column({ name: 'flow_id', type: 'varchar', length: 160, nullable: true })
  flowId!: string | null;

  /** How often the safety net started this order again; 0 for an order the person started. */
  @Column({ type: 'int', unsigned: true, default: 0 })
  resumes!: number;

  /** Renewals that failed in a row; 0 once one is issued. The renewal run backs off by it. */
  @Column({ name: 'renewal_failures', type: 'int', unsigned: true, default: 0 })
  renewalFailures!: number;

  /** The leaf certificate (PEM), once issued. */
  @Column({ name: 'certificate_pem', type: 'text', nullable: true })
  certificatePem!: string | null;

  /** The intermediates that sign the leaf (PEM), once issued. */
  @Column({ name: 'chain_pem', type: 'text', nullable: true })
  chainPem!: string | null;

  /** The leaf's private key, encrypted: `v1.<key id>.<iv>.<tag>.<ciphertext>`. */
  @Column({ name: 'private_key_encrypted', type: 'text', nullable: true })
  privateKeyEncrypted!: string | null;

  /** When the order was queued for the issuance budget: its place in the queue; null otherwise. */
  @Column({ name: 'queued_at', type: 'datetime', precision: 3, nullable: true })
  queuedAt!: Date | null;

  @Column({ name: 'valid_from', type: 'datetime', precision: 3, nullable: true })
  validFrom!: Date | null;

  @Column({ name: 'valid_to', type: 'datetime', precision: 3, nullable: true })
  validTo!: Date | null;

  /** The CA's suggested renewal window for this certificate (ARI), null without ARI. */
  @Column({ name: 'ari_window_start', type: 'datetime', precision: 3, nullable: true })
  ariWindowStart!: Date | null;

  @Column({ name: 'ari_window_end', type: 'datetime', precision: 3, nullable: true })
  ariWindowEnd!: Date | null;

  /** Not before this is the CA asked for the window again (its Retry-After). */
  @Column({ name: 'ari_next_poll_at', type: 'datetime', precision: 3, nullable: true })
  ariNextPollAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}
