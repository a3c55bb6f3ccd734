import {
  addDeliverable,
  addReference,
  addSection,
  briefContentHash,
  PRINCIPLES,
  type Principle,
  relabelSection,
  removeDeliverable,
  removeReference,
  removeSection,
  resizeSection,
  SECTION_KINDS,
  type SectionKind,
  setBriefText,
  setPrinciple,
  setSectionIntent,
  setSectionKind,
  updateDeliverable,
} from '@mixroom/mix-model';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import * as Y from 'yjs';
import { errorMessage } from '../api/client';
import { listSignatures, signBrief } from '../api/endpoints';
import type { BriefSignature } from '../api/types';
import { formatTime, formatWhen, parseTime } from '../lib/format';
import { can, useMix, useResync, useSession, useSessionEvent, useSyncStatus } from '../session/context';
import { Avatar, Badge, Button, EmptyState, ErrorText, SelectField, TextField } from '../ui/ui';
import { YTextArea } from './YTextArea';

const PRINCIPLE_HELP: Record<Principle, string> = {
  balance: 'Levels between parts: what leads, what supports.',
  blend: 'How the parts sit together: glue, separation, depth.',
  timbre: 'Tone of each part: bright, warm, gritty, clean.',
  space: 'Reverb, delay and width: intimate or huge, dry or washed.',
  clarity: 'What must always be heard: lyrics, hooks, the kick.',
};

function useYText(path: 'text' | Principle): Y.Text | null {
  const { mixdoc } = useSession();
  const mix = useMix(); // re-evaluate when the document changes (e.g. once seeded)
  return useMemo(() => {
    void mix;
    const brief = mixdoc.doc.getMap('brief');
    const value =
      path === 'text'
        ? brief.get('text')
        : (brief.get('principles') as Y.Map<unknown> | undefined)?.get(path);
    return value instanceof Y.Text ? value : null;
  }, [mixdoc, path, mix]);
}

export function BriefTab() {
  const { role } = useSession();
  const { synced, status, lastClose } = useSyncStatus();
  const editable = can.editDoc(role);
  return (
    <div className="brief-grid">
      {!synced && (
        <p className="muted small sync-note" role="status">
          {status === 'connected' ? 'Loading the shared brief…' : 'Connecting to the shared brief…'}
          {lastClose?.reason ? ` (${lastClose.reason})` : ''}
        </p>
      )}
      <div className="brief-main">
        <VisionCard editable={editable} />
        <PrinciplesCard editable={editable} />
        <SectionsCard editable={editable} />
      </div>
      <div className="brief-side">
        <SignatureCard />
        <ReferencesCard editable={editable} />
        <DeliverablesCard editable={editable} />
      </div>
    </div>
  );
}

function VisionCard({ editable }: { editable: boolean }) {
  const { mixdoc } = useSession();
  const ytext = useYText('text');
  return (
    <section className="card" aria-labelledby="vision-title">
      <h2 id="vision-title">Vision</h2>
      <YTextArea
        label="What the song should feel like"
        field="brief"
        ytext={ytext}
        apply={(v) => setBriefText(mixdoc.doc, v)}
        readOnly={!editable}
        rows={8}
        placeholder="e.g. “Like if Bon Iver produced a Depeche Mode track: intimate verses, a chorus that opens up.”"
        hint={
          editable
            ? 'Everyone in the session edits this together; changes appear live.'
            : 'Read-only for viewers.'
        }
      />
    </section>
  );
}

function PrinciplesCard({ editable }: { editable: boolean }) {
  return (
    <section className="card" aria-labelledby="principles-title">
      <h2 id="principles-title">The five fundamentals</h2>
      <div className="principles">
        {PRINCIPLES.map((p) => (
          <PrincipleField key={p} principle={p} editable={editable} />
        ))}
      </div>
    </section>
  );
}

function PrincipleField({ principle, editable }: { principle: Principle; editable: boolean }) {
  const { mixdoc } = useSession();
  const ytext = useYText(principle);
  return (
    <YTextArea
      label={principle[0]!.toUpperCase() + principle.slice(1)}
      field={`principle:${principle}`}
      ytext={ytext}
      apply={(v) => setPrinciple(mixdoc.doc, principle, v)}
      readOnly={!editable}
      rows={2}
      hint={PRINCIPLE_HELP[principle]}
    />
  );
}

function SectionsCard({ editable }: { editable: boolean }) {
  const { mixdoc } = useSession();
  const mix = useMix();
  const [error, setError] = useState('');
  const [label, setLabel] = useState('');
  const [kind, setKind] = useState<SectionKind>('verse');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const run = (fn: () => void) => {
    try {
      fn();
      setError('');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    const s = parseTime(start);
    const t = parseTime(end);
    if (s === null || t === null || t <= s)
      return setError('Give a start and an end time like 0:24 and 0:40.');
    run(() => {
      addSection(mixdoc.doc, {
        label: label.trim() || kind[0]!.toUpperCase() + kind.slice(1),
        kind,
        startS: s,
        endS: t,
      });
      setLabel('');
      setStart(end);
      setEnd('');
    });
  };
  return (
    <section className="card" aria-labelledby="sections-title">
      <h2 id="sections-title">Sections and their intent</h2>
      <p className="muted small">
        The emotional intent of each part of the song (“verse: intimate, chorus: urgent”).
      </p>
      {mix.sections.length === 0 && (
        <EmptyState title="No sections yet">{editable && <p>Add the song’s parts below.</p>}</EmptyState>
      )}
      <ul className="section-rows" aria-label="Sections">
        {mix.sections.map((s) => (
          <li key={s.id} className={`section-row kind-${s.kind}`}>
            <TextField
              label={`Name of section at ${formatTime(s.startS)}`}
              className="field-compact"
              defaultValue={s.label}
              key={`l${s.label}`}
              readOnly={!editable}
              onBlur={(e) =>
                e.target.value.trim() &&
                e.target.value !== s.label &&
                run(() => relabelSection(mixdoc.doc, s.id, e.target.value.trim()))
              }
            />
            <SelectField
              label={`Kind of ${s.label}`}
              className="field-compact"
              value={s.kind}
              disabled={!editable}
              onChange={(e) => run(() => setSectionKind(mixdoc.doc, s.id, e.target.value as SectionKind))}
            >
              {SECTION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </SelectField>
            <TimeField
              label={`Start of ${s.label}`}
              value={s.startS}
              disabled={!editable}
              onCommit={(v) => run(() => resizeSection(mixdoc.doc, s.id, v, s.endS))}
            />
            <TimeField
              label={`End of ${s.label}`}
              value={s.endS}
              disabled={!editable}
              onCommit={(v) => run(() => resizeSection(mixdoc.doc, s.id, s.startS, v))}
            />
            <TextField
              label={`Intent of ${s.label}`}
              className="field-intent"
              defaultValue={s.intent}
              key={`i${s.intent}`}
              readOnly={!editable}
              placeholder="intimate, urgent, floating…"
              maxLength={2000}
              onBlur={(e) =>
                e.target.value !== s.intent && run(() => setSectionIntent(mixdoc.doc, s.id, e.target.value))
              }
            />
            {editable && (
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove section ${s.label}`}
                onClick={() => run(() => removeSection(mixdoc.doc, s.id))}
              >
                Remove
              </Button>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <form className="section-add" onSubmit={add} aria-label="Add section">
          <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as SectionKind)}>
            {SECTION_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Name"
            placeholder="Chorus 1"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            maxLength={200}
          />
          <TextField
            label="From"
            placeholder="0:24"
            value={start}
            onChange={(e) => setStart(e.target.value)}
            className="field-time"
          />
          <TextField
            label="To"
            placeholder="0:40"
            value={end}
            onChange={(e) => setEnd(e.target.value)}
            className="field-time"
          />
          <Button type="submit">Add section</Button>
        </form>
      )}
      <ErrorText>{error}</ErrorText>
    </section>
  );
}

function TimeField({
  label,
  value,
  disabled,
  onCommit,
}: {
  label: string;
  value: number;
  disabled?: boolean;
  onCommit(v: number): void;
}) {
  const [text, setText] = useState(formatTime(value, true));
  useEffect(() => setText(formatTime(value, true)), [value]);
  return (
    <TextField
      label={label}
      className="field-time field-compact"
      value={text}
      readOnly={disabled}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => {
        const v = parseTime(text);
        if (v === null) setText(formatTime(value, true));
        else if (Math.abs(v - value) > 0.001) onCommit(v);
      }}
    />
  );
}

function ReferencesCard({ editable }: { editable: boolean }) {
  const { mixdoc } = useSession();
  const mix = useMix();
  const [title, setTitle] = useState('');
  const [url, setUrl] = useState('');
  const [listenFor, setListenFor] = useState('');
  const [error, setError] = useState('');
  const add = (e: FormEvent) => {
    e.preventDefault();
    try {
      addReference(mixdoc.doc, {
        title: title.trim(),
        ...(url.trim() ? { url: url.trim() } : {}),
        listenFor: listenFor.trim(),
      });
      setTitle('');
      setUrl('');
      setListenFor('');
      setError('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="card" aria-labelledby="refs-title">
      <h2 id="refs-title">References</h2>
      {mix.brief.references.length === 0 && <p className="muted small">No reference tracks yet.</p>}
      <ul className="ref-list" aria-label="Reference tracks">
        {mix.brief.references.map((r) => (
          <li key={r.id}>
            <div>
              {r.url && /^https?:\/\//i.test(r.url) ? (
                <a href={r.url} target="_blank" rel="noopener noreferrer">
                  {r.title}
                </a>
              ) : (
                <strong>{r.title}</strong>
              )}
              {r.listenFor && <p className="muted small">Listen for: {r.listenFor}</p>}
            </div>
            {editable && (
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove reference ${r.title}`}
                onClick={() => removeReference(mixdoc.doc, r.id)}
              >
                Remove
              </Button>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <form className="stack" onSubmit={add} aria-label="Add reference">
          <TextField
            label="Reference title"
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="Enjoy the Silence — Depeche Mode"
          />
          <TextField
            label="Link"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://…"
          />
          <TextField
            label="Listen for"
            maxLength={2000}
            value={listenFor}
            onChange={(e) => setListenFor(e.target.value)}
            placeholder="the bass and pad blend"
          />
          <ErrorText>{error}</ErrorText>
          <Button type="submit" disabled={!title.trim()}>
            Add reference
          </Button>
        </form>
      )}
    </section>
  );
}

function DeliverablesCard({ editable }: { editable: boolean }) {
  const { mixdoc } = useSession();
  const mix = useMix();
  const [label, setLabel] = useState('');
  const [error, setError] = useState('');
  const add = (e: FormEvent) => {
    e.preventDefault();
    try {
      addDeliverable(mixdoc.doc, { label: label.trim() });
      setLabel('');
      setError('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const done = mix.brief.deliverables.filter((d) => d.done).length;
  return (
    <section className="card" aria-labelledby="deliv-title">
      <div className="card-head">
        <h2 id="deliv-title">Deliverables</h2>
        {mix.brief.deliverables.length > 0 && (
          <span className="muted small">
            {done} of {mix.brief.deliverables.length} done
          </span>
        )}
      </div>
      <ul className="checklist" aria-label="Deliverables">
        {mix.brief.deliverables.map((d) => (
          <li key={d.id}>
            <label className="check">
              <input
                type="checkbox"
                checked={d.done}
                disabled={!editable}
                onChange={(e) => updateDeliverable(mixdoc.doc, d.id, { done: e.target.checked })}
              />
              <span className={d.done ? 'done' : ''}>{d.label}</span>
            </label>
            {editable && (
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove deliverable ${d.label}`}
                onClick={() => removeDeliverable(mixdoc.doc, d.id)}
              >
                Remove
              </Button>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <form className="row" onSubmit={add} aria-label="Add deliverable">
          <TextField
            label="New deliverable"
            value={label}
            maxLength={200}
            onChange={(e) => setLabel(e.target.value)}
            placeholder="Instrumental, 24-bit WAV"
          />
          <Button type="submit" disabled={!label.trim()}>
            Add
          </Button>
        </form>
      )}
      <ErrorText>{error}</ErrorText>
    </section>
  );
}

function SignatureCard() {
  const { sessionId, role, me, mixdoc, members } = useSession();
  const mix = useMix();
  const { synced } = useSyncStatus();
  const [data, setData] = useState<Awaited<ReturnType<typeof listSignatures>> | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [hash, setHash] = useState('');

  const reload = useCallback(async () => {
    try {
      setData(await listSignatures(sessionId));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [sessionId]);
  useEffect(() => {
    void reload();
  }, [reload]);
  useSessionEvent('brief.', () => void reload());
  useResync(() => void reload());

  // The live hash of what would be signed, so "changed since signed" shows while people type (the server
  // hashes the same canonical form, mix-model's briefContentHash).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `mix` is the trigger (the document changed); the hash reads the doc
  useEffect(() => {
    if (!synced) return;
    const id = window.setTimeout(() => {
      try {
        setHash(briefContentHash(mixdoc.doc));
      } catch {
        setHash('');
      }
    }, 250);
    return () => window.clearTimeout(id);
  }, [mix, mixdoc, synced]);

  const sign = async () => {
    setBusy(true);
    setError('');
    try {
      await signBrief(sessionId);
      await reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const signatures = data?.signatures ?? [];
  const current = (s: BriefSignature) => (hash ? s.briefHash === hash : s.matchesCurrent);
  const byUser = new Map(signatures.filter((s) => s.userId).map((s) => [s.userId!, s]));
  const mine = byUser.get(me.id);
  const changed = signatures.some((s) => !current(s));
  const signers = members.filter((m) => m.role !== 'viewer' || byUser.has(m.userId));

  return (
    <section className={`card signature-card${changed ? ' changed' : ''}`} aria-labelledby="sign-title">
      <div className="card-head">
        <h2 id="sign-title">Sign-off</h2>
        {signatures.length === 0 ? (
          <Badge>Not signed</Badge>
        ) : changed ? (
          <Badge tone="warn">Changed since signed</Badge>
        ) : (
          <Badge tone="ok">Signed</Badge>
        )}
      </div>
      <p className="muted small">
        Both sides sign the brief. Editing it afterwards marks it changed and asks for a new signature.
      </p>
      <ul className="signers" aria-label="Signatures">
        {signers.map((m) => {
          const s = byUser.get(m.userId);
          return (
            <li key={m.userId}>
              <Avatar id={m.userId} name={m.displayName} size={22} />
              <span>{m.displayName}</span>
              {!s ? (
                <Badge>Not signed</Badge>
              ) : current(s) ? (
                <Badge tone="ok">Signed {formatWhen(s.signedAt)}</Badge>
              ) : (
                <Badge tone="warn">Signed an older version</Badge>
              )}
            </li>
          );
        })}
      </ul>
      <ErrorText>{error}</ErrorText>
      {can.sign(role) && (
        <Button
          variant={mine && current(mine) ? 'secondary' : 'primary'}
          busy={busy}
          disabled={!synced || (!!mine && current(mine))}
          onClick={() => void sign()}
        >
          {mine && current(mine)
            ? 'You signed this version'
            : mine
              ? 'Sign the changed brief'
              : 'Sign the brief'}
        </Button>
      )}
    </section>
  );
}
