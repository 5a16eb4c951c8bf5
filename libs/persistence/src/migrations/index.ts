import { InitialSchema1767225600000 } from './1767225600000-initial-schema';

/** Every migration, oldest first. Listed by hand because the webpack bundle has no folder to scan. */
export const MIGRATIONS = [InitialSchema1767225600000];
