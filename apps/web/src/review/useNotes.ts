import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { listNotes } from '../api/endpoints';
import type { Note } from '../api/types';
import { useResync, useSessionEvent } from '../session/context';

/** All notes shown on a revision (its own and carried-over ones), kept live from the event stream. */
export function useNotes(revisionId: string | null) {
  const [notes, setNotes] = useState<Note[] | null>(null);
  const [error, setError] = useState('');
  const generation = useRef(0);

  const reload = useCallback(async () => {
    if (!revisionId) return;
    const mine = ++generation.current;
    try {
      const list = await listNotes(revisionId, 'all');
      if (mine === generation.current) {
        setNotes(list);
        setError('');
      }
    } catch (e) {
      if (mine === generation.current) {
        setNotes((n) => n ?? []);
        setError(errorMessage(e));
      }
    }
  }, [revisionId]);

  useEffect(() => {
    setNotes(null);
    void reload();
  }, [reload]);

  // Any note change in the session may touch this revision (carry-over, replies): re-read the list.
  useSessionEvent('note.', () => void reload());
  useResync(() => void reload());

  /** Optimistically merges a note the caller just created or changed. */
  const upsert = useCallback((note: Note) => {
    setNotes((list) => {
      if (!list) return [note];
      const i = list.findIndex((n) => n.id === note.id);
      if (i < 0) return [...list, note];
      const copy = list.slice();
      copy[i] = { ...note, carriedOver: list[i]!.carriedOver };
      return copy;
    });
  }, []);

  const remove = useCallback((id: string) => {
    setNotes((list) => list?.filter((n) => n.id !== id && n.parentId !== id) ?? list);
  }, []);

  return { notes, error, reload, upsert, remove };
}
