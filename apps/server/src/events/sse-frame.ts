import type { SessionEvent } from './session-events.js';

const frames = new WeakMap<SessionEvent, string>();

/**
 * One SSE frame for an event: `id:`, `event:` (the type) and one `data:` line with
 * `{"id","type","sessionId","actorId","at","data"}` (JSON has no raw newlines). Built once per event and
 * shared by every stream and the replay buffer.
 */
export function frameOf(event: SessionEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    const payload = JSON.stringify({
      id: event.id,
      type: event.type,
      sessionId: event.sessionId,
      actorId: event.actorId ?? null,
      at: event.at,
      data: event.data,
    });
    const type = event.type.replace(/[\r\n]/g, '');
    frame = `${event.id ? `id: ${event.id.replace(/[\r\n]/g, '')}\n` : ''}event: ${type}\ndata: ${payload}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}
