import type { ReactNode } from 'react';

/**
 * Previous and next for keyset pages: the api tells whether a next page exists. Between them,
 * "Page N", or what the page knows besides (the records list also knows the total).
 */
export function Pager({
  label,
  pageNumber,
  nextCursor,
  onPrevious,
  onNext,
  summary = `Page ${pageNumber}`,
}: {
  label: string;
  pageNumber: number;
  nextCursor: string | null;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
  summary?: ReactNode;
}) {
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button button--quiet"
        disabled={pageNumber <= 1}
        onClick={onPrevious}
      >
        ← Previous
      </button>
      <span>{summary}</span>
      <button
        type="button"
        className="button button--quiet"
        disabled={!nextCursor}
        onClick={() => nextCursor && onNext(nextCursor)}
      >
        Next →
      </button>
    </nav>
  );
}
