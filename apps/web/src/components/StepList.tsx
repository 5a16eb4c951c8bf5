export interface StepView {
  step: string;
  state: string;
  attempts: number;
  failedReason: string | null;
}

const STATE_WORDS: Record<string, { label: string; symbol: string; tone: string }> = {
  completed: { label: 'done', symbol: '✓', tone: 'ok' },
  active: { label: 'running', symbol: '◔', tone: 'progress' },
  failed: { label: 'failed', symbol: '✕', tone: 'bad' },
  delayed: { label: 'waiting to try again', symbol: '…', tone: 'progress' },
};
const WAITING = { label: 'waiting', symbol: '○', tone: 'neutral' };

/**
 * The steps of a flow in the order they run, each with its state in words. `order` lists every
 * step with its human name, so a step not started yet still shows.
 */
export function StepList({
  order,
  steps,
  label,
}: {
  order: readonly { step: string; name: string }[];
  steps: readonly StepView[];
  label: string;
}) {
  return (
    <ol className="steps" aria-label={label}>
      {order.map(({ step, name }) => {
        const current = steps.find((candidate) => candidate.step === step);
        const look = (current && STATE_WORDS[current.state]) ?? WAITING;
        return (
          <li key={step} className={`steps__item steps__item--${look.tone}`} data-step={step}>
            <span className="steps__symbol" aria-hidden="true">
              {look.symbol}
            </span>
            <span className="steps__name">{name}</span>
            <span className="steps__state">
              {look.label}
              {current && current.attempts > 1 ? ` (attempt ${current.attempts})` : ''}
            </span>
            {current?.failedReason ? (
              <span className="steps__reason">{current.failedReason}</span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
