import { isProblem, problemKind, type Problem } from '@starchart/api-client';

/** Why a call to the api failed, as the pages explain it. */
export type FailureKind = 'unreachable' | 'not-found' | 'problem' | 'unexpected';

export class ApiFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    readonly problem?: Problem,
  ) {
    super(message);
  }

  /** `quota-exceeded`, `record-conflict`, … for an api problem; undefined otherwise. */
  get problemKind(): string | undefined {
    return this.problem && problemKind(this.problem);
  }

  static fromResponse(status: number, body: unknown): ApiFailure {
    const problem = isProblem(body) ? body : undefined;
    const detail = problem?.detail ?? `The api answered ${status}.`;
    if (status === 404) return new ApiFailure('not-found', detail, status, problem);
    if (problem && status < 500) return new ApiFailure('problem', detail, status, problem);
    if (status === 502 || status === 503 || status === 504) {
      return new ApiFailure('unreachable', detail, status, problem);
    }
    return new ApiFailure('unexpected', detail, status, problem);
  }
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Unwraps an openapi-fetch call: its data, or an ApiFailure. fetch rejects with a TypeError when
 * no answer came at all (offline, DNS, CORS, the api down).
 */
export async function call<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (error) {
    if (error instanceof TypeError) {
      throw new ApiFailure('unreachable', 'The Starchart api could not be reached.');
    }
    throw error;
  }
  if (!result.response.ok || result.data === undefined) {
    throw ApiFailure.fromResponse(result.response.status, result.error);
  }
  return result.data;
}
