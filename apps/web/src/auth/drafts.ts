import { useCallback, useState } from 'react';

const PREFIX = 'starchart:draft:';

export interface Draft<T> {
  value: T;
  /** The form opened with what was typed before a sign-in redirect. */
  restored: boolean;
  update: (change: (draft: T) => T) => void;
  /** Forgets the draft: the form was sent, or abandoned. */
  clear: () => void;
}

/**
 * A form's state kept in sessionStorage as it is typed, so that a sign-in redirect (the api
 * refused an expired token) brings the person back to what they had typed.
 */
export function useDraft<T extends object>(key: string, initial: T): Draft<T> {
  const storageKey = PREFIX + key;
  const [stored] = useState(() => readDraft<T>(storageKey));
  const [value, setValue] = useState<T>(() => stored ?? initial);

  const update = useCallback(
    (change: (draft: T) => T) =>
      setValue((previous) => {
        const next = change(previous);
        sessionStorage.setItem(storageKey, JSON.stringify(next));
        return next;
      }),
    [storageKey],
  );
  const clear = useCallback(() => sessionStorage.removeItem(storageKey), [storageKey]);
  return { value, restored: stored !== undefined, update, clear };
}

function readDraft<T>(storageKey: string): T | undefined {
  const stored = sessionStorage.getItem(storageKey);
  if (stored === null) return undefined;
  try {
    return JSON.parse(stored) as T;
  } catch {
    return undefined;
  }
}
