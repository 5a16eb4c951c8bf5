/** The four steps of a record's flow, in the order they run, in words. */
export const RECORD_STEPS = [
  { step: 'add-db-record', name: 'Save the record' },
  { step: 'create-dns-record', name: 'Send the change to DNS' },
  { step: 'check-dns-status', name: 'Wait until DNS answers' },
  { step: 'sync-db-status', name: 'Mark the record as done' },
] as const;
