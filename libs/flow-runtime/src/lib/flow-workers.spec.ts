import { findRegistryProblems } from './flow-workers';

describe('the worker registry check', () => {
  const registry = ['sync-db-status', 'add-db-record', 'check-dns-status'];

  it('accepts one processor per queue of the registry, and ignores the queues of other flows', () => {
    expect(findRegistryProblems(registry, [...registry, 'create-acme-order'])).toEqual([]);
  });

  it('finds a queue without a processor or with two', () => {
    const processors = ['sync-db-status', 'add-db-record', 'add-db-record'];
    expect(findRegistryProblems(registry, processors)).toEqual([
      'queue add-db-record has 2 processors',
      'queue check-dns-status has no processor',
    ]);
  });
});
