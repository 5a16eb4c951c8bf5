import { useEffect } from 'react';

/** Each page names itself in the tab, and screen readers announce the change of page. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Starchart`;
  }, [title]);
}
