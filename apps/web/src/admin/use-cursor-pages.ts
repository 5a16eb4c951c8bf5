import { useCallback, useState } from 'react';

/**
 * Keyset pages: the cursors of the pages before this one, so "Previous" goes back without
 * offsets. `reset` starts again from the first page (a new search or filter).
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: cursors.at(-1),
    pageNumber: cursors.length,
    next: useCallback((cursor: string) => setCursors((stack) => [...stack, cursor]), []),
    previous: useCallback(() => setCursors((stack) => stack.slice(0, -1)), []),
    reset: useCallback(() => setCursors([undefined]), []),
  };
}
