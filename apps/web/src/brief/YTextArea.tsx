import { useEffect, useId, useRef, useState } from 'react';
import * as Y from 'yjs';
import { colorFor } from '../lib/format';
import { useSession, usePeers } from '../session/context';
import type { Peer } from '../sync/mixdoc';
import { ErrorText } from '../ui/ui';

interface Props {
  label: string;
  /** Field name shared through awareness so collaborators' cursors land in the right box. */
  field: string;
  ytext: Y.Text | null;
  /** Writes the whole new value (the mix-model operation applies only the differing middle). */
  apply(value: string): void;
  readOnly?: boolean;
  rows?: number;
  placeholder?: string;
  hint?: string;
}

type Delta = { insert?: string | object; delete?: number; retain?: number }[];

/** Maps an index in the old text through a remote change (inserts at the index stay after it). */
export function transformIndex(index: number, delta: Delta): number {
  let oldPos = 0;
  let shift = 0;
  for (const op of delta) {
    if (oldPos > index) break;
    if (op.retain !== undefined) oldPos += op.retain;
    else if (op.insert !== undefined) {
      if (oldPos < index) shift += typeof op.insert === 'string' ? op.insert.length : 1;
    } else if (op.delete !== undefined) {
      if (oldPos < index) shift -= Math.min(op.delete, index - oldPos);
      oldPos += op.delete;
    }
  }
  return Math.max(0, index + shift);
}

/**
 * A plain textarea bound to a Y.Text: local typing becomes minimal Y.Text edits, remote edits update the
 * text without moving the local caret, and collaborators' carets and selections are drawn over it.
 */
export function YTextArea({ label, field, ytext, apply, readOnly, rows = 6, placeholder, hint }: Props) {
  const { mixdoc } = useSession();
  const area = useRef<HTMLTextAreaElement>(null);
  const mirror = useRef<HTMLDivElement>(null);
  const [error, setError] = useState('');
  const [text, setText] = useState(() => ytext?.toString() ?? '');
  const id = useId();

  // Remote changes: keep the caret where the person left it.
  useEffect(() => {
    const ta = area.current;
    if (!ytext || !ta) return;
    ta.value = ytext.toString();
    setText(ta.value);
    const observer = (event: Y.YTextEvent, tr: Y.Transaction) => {
      if (tr.local) {
        setText(ytext.toString());
        return;
      }
      const focused = document.activeElement === ta;
      const start = ta.selectionStart;
      const end = ta.selectionEnd;
      ta.value = ytext.toString();
      setText(ta.value);
      if (focused)
        ta.setSelectionRange(
          transformIndex(start, event.delta as Delta),
          transformIndex(end, event.delta as Delta),
        );
    };
    ytext.observe(observer);
    return () => ytext.unobserve(observer);
  }, [ytext]);

  // Publish this person's selection in this field.
  useEffect(() => {
    const ta = area.current;
    if (!ta || !ytext) return;
    const publish = () => {
      if (document.activeElement !== ta) return;
      mixdoc.setPresence({
        textSelection: {
          field,
          anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, ta.selectionStart)),
          head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, ta.selectionEnd)),
        },
      });
    };
    const clear = () => {
      if (mixdoc.presence()?.textSelection?.field === field) mixdoc.setPresence({ textSelection: null });
    };
    document.addEventListener('selectionchange', publish);
    ta.addEventListener('focus', publish);
    ta.addEventListener('blur', clear);
    return () => {
      document.removeEventListener('selectionchange', publish);
      ta.removeEventListener('focus', publish);
      ta.removeEventListener('blur', clear);
      clear();
    };
  }, [mixdoc, ytext, field]);

  const onInput = () => {
    const ta = area.current;
    if (!ta || !ytext) return;
    try {
      apply(ta.value);
      setError('');
    } catch (e) {
      // Refused (too long): put back what the document holds.
      const start = ta.selectionStart;
      ta.value = ytext.toString();
      ta.setSelectionRange(Math.min(start, ta.value.length), Math.min(start, ta.value.length));
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const peers = usePeers().filter((p) => p.textSelection?.field === field);

  return (
    <div className="field ytext">
      <label htmlFor={id}>{label}</label>
      <div className="ytext-wrap">
        <textarea
          id={id}
          ref={area}
          rows={rows}
          readOnly={readOnly || !ytext}
          placeholder={ytext ? placeholder : 'Connecting to the shared document…'}
          defaultValue={ytext?.toString() ?? ''}
          onInput={onInput}
          onScroll={() => {
            if (mirror.current && area.current) mirror.current.scrollTop = area.current.scrollTop;
          }}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        {ytext && peers.length > 0 && (
          <RemoteCarets ref={mirror} text={text} peers={peers} doc={mixdoc.doc} ytext={ytext} />
        )}
      </div>
      {hint && (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      )}
      {peers.length > 0 && (
        <div className="ytext-editing muted small" aria-live="polite">
          {peers.map((p) => p.user.name).join(', ')} {peers.length === 1 ? 'is' : 'are'} editing here
        </div>
      )}
      <ErrorText>{error}</ErrorText>
    </div>
  );
}

function absolute(doc: Y.Doc, ytext: Y.Text, json: unknown): number | null {
  try {
    const pos = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc);
    return pos && pos.type === ytext ? pos.index : null;
  } catch {
    return null;
  }
}

/** A mirror of the textarea's text with collaborators' selections marked (text itself invisible). */
function RemoteCarets({
  ref,
  text,
  peers,
  doc,
  ytext,
}: {
  ref: React.Ref<HTMLDivElement>;
  text: string;
  peers: Peer[];
  doc: Y.Doc;
  ytext: Y.Text;
}) {
  const marks = peers
    .map((p) => {
      const a = absolute(doc, ytext, p.textSelection?.anchor);
      const h = absolute(doc, ytext, p.textSelection?.head);
      if (a === null || h === null) return null;
      return {
        from: Math.min(a, h),
        to: Math.max(a, h),
        caret: h,
        name: p.user.name,
        color: colorFor(p.user.id),
        id: p.clientId,
      };
    })
    .filter((m): m is NonNullable<typeof m> => m !== null);
  // Split the text at every boundary and render each piece with the selections covering it.
  const cuts = [...new Set([0, text.length, ...marks.flatMap((m) => [m.from, m.to, m.caret])])]
    .filter((c) => c >= 0 && c <= text.length)
    .sort((a, b) => a - b);
  const parts: React.ReactNode[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const at = cuts[i]!;
    for (const m of marks.filter((m) => m.caret === at)) {
      parts.push(
        <span key={`c${m.id}-${at}`} className="remote-caret" style={{ ['--peer' as string]: m.color }}>
          <span className="remote-caret-name">{m.name}</span>
        </span>,
      );
    }
    const next = cuts[i + 1];
    if (next === undefined) break;
    const covering = marks.find((m) => m.from <= at && m.to >= next && m.from !== m.to);
    const piece = text.slice(at, next);
    parts.push(
      covering ? (
        <span key={`s${at}`} className="remote-selection" style={{ ['--peer' as string]: covering.color }}>
          {piece}
        </span>
      ) : (
        piece
      ),
    );
  }
  return (
    <div ref={ref} className="ytext-mirror" aria-hidden="true">
      {parts}
      {'\u200b'}
    </div>
  );
}
