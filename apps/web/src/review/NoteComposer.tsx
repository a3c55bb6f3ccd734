import type { Section, Stem } from '@mixroom/mix-model';
import { type FormEvent, forwardRef, useEffect, useId, useImperativeHandle, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { createNote, type NewNote } from '../api/endpoints';
import type { Direction, Note } from '../api/types';
import { formatTime, parseTime } from '../lib/format';
import { Button, ErrorText, SelectField, TextArea, TextField } from '../ui/ui';
import type { Range } from './Timeline';

export interface ComposerHandle {
  focus(): void;
}

interface Props {
  revisionId: string;
  range: Range | null;
  onRangeChange(range: Range | null): void;
  sections: readonly Section[];
  stems: readonly Stem[];
  currentTime(): number;
  onCreated(note: Note): void;
  disabledReason?: string;
}

function sectionAt(sections: readonly Section[], t: number): Section | undefined {
  return sections.find((s) => t >= s.startS && t < s.endS);
}

/** New note: a moment or a range, free text, and optionally section / stem / direction / amount. */
export const NoteComposer = forwardRef<ComposerHandle, Props>(function NoteComposer(props, ref) {
  const { revisionId, range, onRangeChange, sections, stems, currentTime, onCreated, disabledReason } = props;
  const [body, setBody] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [sectionId, setSectionId] = useState('');
  const [sectionTouched, setSectionTouched] = useState(false);
  const [stemId, setStemId] = useState('');
  const [direction, setDirection] = useState<'' | Direction>('');
  const [amount, setAmount] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const headingId = useId();

  useImperativeHandle(ref, () => ({ focus: () => textRef.current?.focus() }), []);

  // A range chosen on the waveform fills the time fields.
  useEffect(() => {
    if (!range) return;
    setStart(formatTime(range.atS, true));
    setEnd(range.endS != null ? formatTime(range.endS, true) : '');
  }, [range]);

  const startS = parseTime(start);
  const endS = end.trim() ? parseTime(end) : null;
  useEffect(() => {
    if (sectionTouched || startS === null) return;
    setSectionId(sectionAt(sections, startS)?.id ?? '');
  }, [startS, sections, sectionTouched]);

  const reset = () => {
    setBody('');
    setStart('');
    setEnd('');
    setSectionTouched(false);
    setSectionId('');
    setStemId('');
    setDirection('');
    setAmount('');
    onRangeChange(null);
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setError('');
    const at = start.trim() ? startS : currentTime();
    if (at === null) return setError('Start must be a time like 0:42 or 1:05.5.');
    if (end.trim() && (endS === null || endS <= at)) return setError('End must be a time after the start.');
    const amountDb = amount.trim() ? Number(amount) : undefined;
    if (amountDb !== undefined && (!Number.isFinite(amountDb) || amountDb <= 0 || amountDb > 24)) {
      return setError('Amount must be between 0.5 and 24 dB.');
    }
    if (amountDb !== undefined && !direction) return setError('Choose up or down for the amount.');
    const input: NewNote = {
      atS: Math.round(at * 1000) / 1000,
      body: body.trim(),
      ...(endS !== null ? { endS: Math.round(endS * 1000) / 1000 } : {}),
      ...(sectionId ? { sectionId } : {}),
      ...(stemId ? { stemId } : {}),
      ...(direction ? { direction } : {}),
      ...(amountDb !== undefined ? { amountDb } : {}),
    };
    setBusy(true);
    try {
      onCreated(await createNote(revisionId, input));
      reset();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card composer" aria-labelledby={headingId}>
      <h2 id={headingId}>New note</h2>
      <form
        className="stack"
        onSubmit={submit}
        aria-label="New note"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit();
        }}
      >
        <div className="row row-times">
          <TextField
            label="Start"
            placeholder={formatTime(currentTime())}
            value={start}
            onChange={(e) => {
              setStart(e.target.value);
              const v = parseTime(e.target.value);
              if (v !== null) onRangeChange({ atS: v, endS: endS ?? null });
            }}
            inputMode="decimal"
            className="field-time"
          />
          <TextField
            label="End"
            placeholder="optional"
            value={end}
            onChange={(e) => {
              setEnd(e.target.value);
              const v = parseTime(e.target.value);
              if (startS !== null && v !== null) onRangeChange({ atS: startS, endS: v });
            }}
            inputMode="decimal"
            className="field-time"
          />
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setStart(formatTime(currentTime(), true));
              setEnd('');
              onRangeChange({ atS: currentTime(), endS: null });
            }}
          >
            At playhead
          </Button>
        </div>
        <TextArea
          ref={textRef}
          label="Note"
          required
          rows={3}
          maxLength={5000}
          placeholder="What should change? e.g. “Rhythm guitars up in the chorus, vocal down 2 dB”"
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <fieldset className="structured">
          <legend>Make it specific (optional)</legend>
          <div className="structured-grid">
            <SelectField
              label="Section"
              value={sectionId}
              onChange={(e) => {
                setSectionTouched(true);
                setSectionId(e.target.value);
              }}
            >
              <option value="">—</option>
              {sections.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </SelectField>
            <SelectField label="Stem" value={stemId} onChange={(e) => setStemId(e.target.value)}>
              <option value="">Whole mix</option>
              {stems.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </SelectField>
            <SelectField
              label="Direction"
              value={direction}
              onChange={(e) => setDirection(e.target.value as '' | Direction)}
            >
              <option value="">—</option>
              <option value="up">Up</option>
              <option value="down">Down</option>
            </SelectField>
            <TextField
              label="Amount (dB)"
              type="number"
              min={0.5}
              max={24}
              step={0.5}
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
            />
          </div>
        </fieldset>
        <ErrorText>{error || disabledReason}</ErrorText>
        <div className="row">
          <Button type="submit" variant="primary" busy={busy} disabled={!body.trim() || !!disabledReason}>
            Add note
          </Button>
          <span className="muted small">Ctrl+Enter</span>
          {(range || body) && (
            <Button variant="ghost" size="sm" onClick={reset}>
              Clear
            </Button>
          )}
        </div>
      </form>
    </section>
  );
});
