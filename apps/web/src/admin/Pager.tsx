/** Previous and next for keyset pages: the api tells whether a next page exists, not how many. */
export function Pager({
  label,
  pageNumber,
  nextCursor,
  onPrevious,
  onNext,
}: {
  label: string;
  pageNumber: number;
  nextCursor: string | null;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
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
      <span>Page {pageNumber}</span>
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
