import { InitialSchema1767225600000 } from './1767225600000-initial-schema';
import { Certificates1767312000000 } from './1767312000000-certificates';
import { Users1767398400000 } from './1767398400000-users';

/** Every migration, oldest first. Listed by hand because the webpack bundle has no folder to scan. */
export const MIGRATIONS = [
  InitialSchema1767225600000,
  Certificates1767312000000,
  Users1767398400000,
];
