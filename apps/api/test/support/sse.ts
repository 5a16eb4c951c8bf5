export interface ServerSentEvent {
  event: string;
  data: unknown;
}

/** Reads an SSE stream until an `event: done` (or the timeout), returning every event and the comments. */
export async function readEvents(
  url: string,
  token: string,
  timeoutMs = 30_000,
): Promise<{
  status: number;
  contentType: string | null;
  events: ServerSentEvent[];
  comments: string[];
}> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const events: ServerSentEvent[] = [];
  const comments: string[] = [];
  try {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      signal: abort.signal,
    });
    const contentType = response.headers.get('content-type');
    if (!response.ok || !response.body)
      return { status: response.status, contentType, events, comments };
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) as unknown });
        if (event === 'done') return { status: response.status, contentType, events, comments };
      }
    }
    return { status: response.status, contentType, events, comments };
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
