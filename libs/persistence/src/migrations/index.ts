import { InitialSchema1767225600000 } from './1767225600000-initial-schema';
import { Certificates1767312000000 } from './1767312000000-certificates';
import { Users1767398400000 } from './1767398400000-users';
import { AdminConsole1767484800000 } from './1767484800000-admin-console';
import { UserAdminColumns1767571200000 } from './1767571200000-user-admin-columns';
import { RecordsSearchIndex1767660000000 } from './1767660000000-records-search-index';
import { RecordLifecycle1767744000000 } from './1767744000000-record-lifecycle';
import { CertificateResumes1767830400000 } from './1767830400000-certificate-resumes';
import { Notifications1767916800000 } from './1767916800000-notifications';
import { CertificateRenewalFailures1768003300000 } from './1768003300000-certificate-renewal-failures';
import { CaaSrvRecords1768091234000 } from './1768091234000-caa-srv-records';
import { CertificateDeletion1768100001700 } from './1768100001700-certificate-deletion';
import { CertificateRenewalInfo1768100001701 } from './1768100001701-certificate-renewal-info';
import { CertificateQueue1768110000000 } from './1768110000000-certificate-queue';
import { IdempotencyReplayed1768120000000 } from './1768120000000-idempotency-replayed';

/** Every migration, oldest first. Listed by hand because the webpack bundle has no folder to scan. */
export const MIGRATIONS = [
  InitialSchema1767225600000,
  Certificates1767312000000,
  Users1767398400000,
  AdminConsole1767484800000,
  UserAdminColumns1767571200000,
  RecordsSearchIndex1767660000000,
  RecordLifecycle1767744000000,
  CertificateResumes1767830400000,
  Notifications1767916800000,
  CertificateRenewalFailures1768003300000,
  CaaSrvRecords1768091234000,
  CertificateDeletion1768100001700,
  CertificateRenewalInfo1768100001701,
  CertificateQueue1768110000000,
  IdempotencyReplayed1768120000000,
];
