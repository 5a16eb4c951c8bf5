/** An error answered in Route 53's own shape: an `ErrorResponse` with Type, Code and Message. */
export class Route53Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }

  /** Route 53 blames the caller ("Sender") for 4xx and itself ("Receiver") for 5xx. */
  get type(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

export function invalidInput(message: string): Route53Error {
  return new Route53Error('InvalidInput', 400, message);
}

/**
 * Route 53 lists every problem of a refused batch in one message, in brackets and separated
 * by commas; the SDK only recognises the code when it sits in a standard ErrorResponse.
 */
export function invalidChangeBatch(messages: readonly string[]): Route53Error {
  return new Route53Error('InvalidChangeBatch', 400, `[${messages.join(', ')}]`);
}

export function noSuchHostedZone(id: string): Route53Error {
  return new Route53Error('NoSuchHostedZone', 404, `No hosted zone found with ID: ${id}`);
}

export function noSuchChange(id: string): Route53Error {
  return new Route53Error(
    'NoSuchChange',
    404,
    `A change with the specified change ID does not exist: ${id}`,
  );
}

export function throttling(): Route53Error {
  return new Route53Error('Throttling', 400, 'Rate exceeded');
}

export function priorRequestNotComplete(): Route53Error {
  return new Route53Error(
    'PriorRequestNotComplete',
    400,
    'The request was rejected because Route 53 was still processing a prior request.',
  );
}

export function internalFailure(): Route53Error {
  return new Route53Error('InternalFailure', 500, 'An internal error occurred. Please try again.');
}

/** A 1-based member path and constraint, worded like the AWS input validation layer. */
export function validationError(value: string, path: string, constraint: string): Route53Error {
  return invalidInput(
    `1 validation error detected: Value '${value}' at '${path}' failed to satisfy constraint: ${constraint}`,
  );
}
