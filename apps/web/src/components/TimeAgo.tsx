import { formatDateTime, timeAgo } from '../records/format';

/** A moment as "5 minutes ago", with its full date and time for the pointer and for machines. */
export function TimeAgo({ at }: { at: string }) {
  return (
    <time dateTime={at} title={formatDateTime(at)}>
      {timeAgo(at)}
    </time>
  );
}
