/** The order's steps in the order they run, in words. */
export const CERTIFICATE_STEPS = [
  { step: 'create-acme-order', name: 'Order from the certificate authority' },
  { step: 'write-challenge-record', name: 'Publish the DNS challenge' },
  { step: 'check-challenge-dns', name: 'Wait until DNS answers the challenge' },
  { step: 'validate-challenges', name: 'Have the authority check it' },
  { step: 'finalize-certificate', name: 'Receive the certificate' },
  { step: 'cleanup-challenge', name: 'Remove the challenge' },
] as const;

/** The delete's steps in the order they run, in words. */
export const CERTIFICATE_DELETE_STEPS = [
  { step: 'revoke-certificate', name: 'Revoke it at the certificate authority' },
  { step: 'remove-certificate', name: 'Remove it' },
] as const;
