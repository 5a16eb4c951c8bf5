import { useState } from 'react';

/** Copies `text`; the button says so, and screen readers hear it. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(text);
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2_000);
  };
  return (
    <button
      type="button"
      className="button button--small button--quiet"
      aria-label={label}
      onClick={copy}
    >
      <span aria-live="polite">{copied ? 'Copied' : 'Copy'}</span>
    </button>
  );
}
