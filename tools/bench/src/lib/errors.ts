/** A scenario that could not produce its figures (records in error, a timeout, a crashed process). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}
