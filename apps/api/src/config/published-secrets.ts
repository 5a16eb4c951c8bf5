/**
 * HS256 secrets this repository ships: the development default (.env.example,
 * tools/scripts/app-env.mjs) and the fixtures of its tests. Everyone who has read the repository
 * can sign tokens for any person with them, so the api accepts them only with NODE_ENV set to
 * development or test. tools/workspace fails when a JWT_SECRET value appears in the repository
 * without being listed here.
 */
export const PUBLISHED_JWT_SECRETS: readonly string[] = [
  'starchart-development-secret-change-me-0123456789',
  'api-integration-test-secret-0123456789abcdef',
  'unit-test-secret-that-is-long-enough-0123456789',
];
