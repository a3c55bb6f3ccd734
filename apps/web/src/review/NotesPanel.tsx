import type { Section, Stem } from '@mixroom/mix-model';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { createNote, deleteNote, updateNote } from '../api/endpoints';
import type { Note } from '../api/types';
import { formatTime, formatWhen } from '../lib/format';
import { can, useSession } from '../session/context';
import { ApplyNoteSlot } from './MixerSlot';
import { exportUrl } from '../api/endpoints';
import { Avatar, Badge, Button, EmptyState, ErrorText, Segmented, Spinner } from '../ui/ui';

export type NoteFilterId = 'open' | 'resolved' | 'mine' | 'all';

interface Props {
  notes: Note[] | null;
  error: string;
  filter: NoteFilterId;
  onFilter(f: NoteFilterId): void;
  sections: readonly Section[];
  stems: readonly Stem[];
  activeNoteId: string | null;
  onActivate(note: Note): void;
  onChanged(note: Note): void;
  onDeleted(id: string): void;
  revisionId: string;
}

export function NotesPanel(props: Props) {
  const { notes, error, filter, onFilter, activeNoteId } = props;
  const { me } = useSession();
  const top = (notes ?? [])
    .filter((n) => !n.parentId)
    .sort((a, b) => a.atS - b.atS || a.createdAt.localeCompare(b.createdAt));
  const counts = {
    open: top.filter((n) => !n.resolved).length,
    resolved: top.filter((n) => n.resolved).length,
    mine: top.filter((n) => n.authorId === me.id).length,
    all: top.length,
  };
  const shown = top.filter((n) =>
    filter === 'open'
      ? !n.resolved
      : filter === 'resolved'
        ? n.resolved
        : filter === 'mine'
          ? n.authorId === me.id
          : true,
  );
  const replies = (id: string) =>
    (notes ?? []).filter((n) => n.parentId === id).sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  return (
    <section className="card notes-panel" aria-labelledby="notes-title">
      <div className="card-head">
        <h2 id="notes-title">Notes</h2>
        <Segmented
          label="Show notes"
          size="sm"
          value={filter}
          onChange={onFilter}
          options={[
            { value: 'open', label: `Open ${counts.open}` },
            { value: 'resolved', label: `Resolved ${counts.resolved}` },
            { value: 'mine', label: `Mine ${counts.mine}` },
            { value: 'all', label: `All ${counts.all}` },
          ]}
        />
      </div>
      <ErrorText>{error}</ErrorText>
      {notes === null && <Spinner label="Loading notes" />}
      {top.length > 0 && <ExportMenu revisionId={props.revisionId} />}
      {notes !== null && shown.length === 0 && (
        <EmptyState title={top.length === 0 ? 'No notes yet' : 'Nothing here'}>
          {top.length === 0 ? (
            <p>Drag across the waveform to comment on a passage, or press N to note the current moment.</p>
          ) : (
            <p>No {filter === 'mine' ? 'notes of yours' : `${filter} notes`} on this revision.</p>
          )}
        </EmptyState>
      )}
      <ol className="note-list" aria-label="Note threads">
        {shown.map((n) => (
          <NoteThread key={n.id} note={n} replies={replies(n.id)} active={n.id === activeNoteId} {...props} />
        ))}
      </ol>
    </section>
  );
}

function structuredLabel(note: Note, sections: readonly Section[], stems: readonly Stem[]): string | null {
  const parts: string[] = [];
  if (note.sectionId) parts.push(sections.find((s) => s.id === note.sectionId)?.label ?? 'Section');
  if (note.stemId) parts.push(stems.find((s) => s.id === note.stemId)?.name ?? 'Stem');
  if (note.direction) {
    parts.push(
      `${note.direction === 'up' ? '↑ up' : '↓ down'}${note.amountDb ? ` ${Number(note.amountDb.toFixed(1))} dB` : ''}`,
    );
  }
  return parts.length ? parts.join(' · ') : null;
}

function NoteThread({
  note,
  replies,
  active,
  sections,
  stems,
  onActivate,
  onChanged,
  onDeleted,
  revisionId,
}: Props & { note: Note; replies: Note[]; active: boolean }) {
  const { me, role, mixdoc } = useSession();
  const [replying, setReplying] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLLIElement>(null);
  const titleId = useId();
  useEffect(() => {
    if (active) ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [active]);

  const structured = structuredLabel(note, sections, stems);
  const time = `${formatTime(note.atS)}${note.endS != null ? `–${formatTime(note.endS)}` : ''}`;
  const canDelete = note.authorId === me.id || role === 'engineer';

  const setResolved = async (resolved: boolean) => {
    setBusy(true);
    setError('');
    try {
      onChanged(await updateNote(note.id, { resolved }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (id: string) => {
    setError('');
    try {
      await deleteNote(id);
      onDeleted(id);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <li
      ref={ref}
      className={`note${active ? ' note-active' : ''}${note.resolved ? ' note-resolved' : ''}`}
      aria-labelledby={titleId}
    >
      <article>
        <header className="note-head">
          <Avatar id={note.authorId ?? note.authorName} name={note.authorName} size={24} />
          <span id={titleId} className="note-author">
            {note.authorName}
          </span>
          <Button
            size="sm"
            variant="ghost"
            className="note-time"
            onClick={() => onActivate(note)}
            aria-label={`Play from ${time}`}
          >
            {time}
          </Button>
          <span className="muted small">{formatWhen(note.createdAt)}</span>
          {note.carriedOver && (
            <Badge tone="info" title="Still open from an earlier revision">
              Carried over from v{note.originRevisionNumber}
            </Badge>
          )}
          {note.resolved && (
            <Badge tone="ok" title={note.resolvedByName ? `Resolved by ${note.resolvedByName}` : undefined}>
              {note.resolvedInRevisionNumber ? `Addressed in v${note.resolvedInRevisionNumber}` : 'Resolved'}
            </Badge>
          )}
        </header>
        {/* Rendered as text: note bodies are never interpreted as HTML. */}
        <p className="note-body">{note.body}</p>
        {structured && (
          <div className="row note-structured-row">
            <p className="note-structured">{structured}</p>
            {can.editDoc(role) && !note.resolved && (
              <ApplyNoteSlot doc={mixdoc.doc} note={note} createdBy={me.displayName} />
            )}
          </div>
        )}
        <ol className="replies" aria-label={`Replies to ${note.authorName}`}>
          {replies.map((r) => (
            <li key={r.id} className="reply">
              <span className="note-head">
                <Avatar id={r.authorId ?? r.authorName} name={r.authorName} size={20} />
                <span className="note-author">{r.authorName}</span>
                <span className="muted small">{formatWhen(r.createdAt)}</span>
                {(r.authorId === me.id || role === 'engineer') && (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => void remove(r.id)}
                    aria-label={`Delete reply by ${r.authorName}`}
                  >
                    Delete
                  </Button>
                )}
              </span>
              <p className="note-body">{r.body}</p>
            </li>
          ))}
        </ol>
        <ErrorText>{error}</ErrorText>
        <div className="note-actions">
          <Button size="sm" variant="ghost" onClick={() => setReplying((v) => !v)} aria-expanded={replying}>
            Reply
          </Button>
          {note.resolved ? (
            <Button size="sm" variant="ghost" busy={busy} onClick={() => void setResolved(false)}>
              Reopen
            </Button>
          ) : (
            <Button size="sm" variant="ghost" busy={busy} onClick={() => void setResolved(true)}>
              Resolve
            </Button>
          )}
          {canDelete && (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => void remove(note.id)}
              aria-label={`Delete note by ${note.authorName} at ${time}`}
            >
              Delete
            </Button>
          )}
        </div>
        {replying && (
          <ReplyForm
            parent={note}
            revisionId={revisionId}
            onDone={(reply) => {
              setReplying(false);
              if (reply) onChanged(reply);
            }}
          />
        )}
      </article>
    </li>
  );
}

function ReplyForm({
  parent,
  revisionId,
  onDone,
}: {
  parent: Note;
  revisionId: string;
  onDone(reply: Note | null): void;
}) {
  const [body, setBody] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  // The person just asked to reply: put the caret in the reply box.
  useEffect(() => textarea.current?.focus(), []);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError('');
    try {
      onDone(await createNote(revisionId, { atS: parent.atS, body: body.trim(), parentId: parent.id }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="reply-form stack"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit();
        if (e.key === 'Escape') onDone(null);
      }}
    >
      <label htmlFor={id}>Reply to {parent.authorName}</label>
      <textarea
        id={id}
        ref={textarea}
        rows={2}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        maxLength={5000}
      />
      <ErrorText>{error}</ErrorText>
      <div className="row">
        <Button type="submit" size="sm" variant="primary" busy={busy} disabled={!body.trim()}>
          Send reply
        </Button>
        <Button size="sm" variant="ghost" onClick={() => onDone(null)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** Notes for the DAW: CSV, Reaper markers/regions, Audacity labels, a printable sheet. */
function ExportMenu({ revisionId }: { revisionId: string }) {
  return (
    <details className="export-menu">
      <summary>Export notes</summary>
      <ul aria-label="Export notes">
        <li>
          <a href={exportUrl(revisionId, 'csv')} download>
            CSV
          </a>
        </li>
        <li>
          <a href={exportUrl(revisionId, 'reaper')} download>
            Reaper markers and regions
          </a>
        </li>
        <li>
          <a href={exportUrl(revisionId, 'audacity')} download>
            Audacity labels
          </a>
        </li>
        <li>
          <a href={exportUrl(revisionId, 'html')} target="_blank" rel="noopener">
            Printable notes sheet
          </a>
        </li>
      </ul>
    </details>
  );
}
