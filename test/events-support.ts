import type { MixroomClient } from '@mixroom/client';

export interface SseFrame {
  id?: string;
  event: string;
  /** Parsed JSON of the data lines. */
  data: Record<string, unknown> & { data?: Record<string, unknown> };
}

/**
 * A minimal server-sent events reader over fetch (Node 20 has no EventSource), for tests and benches.
 * Records every frame and comment; `next` waits for a matching frame with a bounded wait.
 */
export class SseReader {
  readonly frames: SseFrame[] = [];
  readonly comments: string[] = [];
  /** Resolves when the server ends the stream (or the reader is closed). */
  readonly ended: Promise<void>;
  isEnded = false;
  private readonly waiters = new Set<() => void>();
  private buffer = '';

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    body: ReadableStream<Uint8Array> | null,
    private readonly abort: AbortController,
    readonly errorBody?: unknown,
  ) {
    this.ended = body ? this.pump(body) : Promise.resolve();
  }

  static async open(
    client: MixroomClient,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<SseReader> {
    const abort = new AbortController();
    const res = await fetch(client.baseUrl + path, {
      headers: { accept: 'text/event-stream', ...client.authHeaders(), ...headers },
      signal: abort.signal,
    });
    if (!res.ok) {
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return new SseReader(res.status, res.headers, null, abort, parsed);
    }
    return new SseReader(res.status, res.headers, res.body, abort);
  }

  close(): void {
    this.abort.abort();
  }

  /** Waits (bounded) for a frame matching `predicate` received at or after index `from`. */
  async next(
    predicate: (f: SseFrame) => boolean,
    { from = 0, timeoutMs = 5000 }: { from?: number; timeoutMs?: number } = {},
  ): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(predicate);
      if (found) return found;
      if (this.isEnded) throw new Error(`stream ended without a matching frame; got ${this.describe()}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; got ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** Waits until the stream has ended (bounded). */
  async waitEnded(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ended,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`stream still open after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  types(): string[] {
    return this.frames.map((f) => f.event);
  }

  private describe(): string {
    return JSON.stringify(this.frames.map((f) => `${f.id ?? ''} ${f.event}`));
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
    this.waiters.clear();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        this.parse();
      }
    } catch {
      // aborted by close()
    } finally {
      this.isEnded = true;
      this.wake();
    }
  }

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | undefined;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) this.frames.push({ id, event, data: JSON.parse(data.join('\n')) });
      this.wake();
    }
  }
}
