import { type DragEvent, useId, useState } from 'react';
import { errorMessage } from '../api/client';
import { createRevision } from '../api/endpoints';
import {
  analysisOf,
  mixFile,
  type ReviewRevision as Revision,
  type RevisionFile,
  stemFiles,
} from '../api/types';
import { formatBytes } from '../lib/format';
import { navigate } from '../lib/router';
import { AnalysisMeters, ClipGainChart, ClipGainRow } from '../revisions/Meters';
import { useSession, useSessionEvent } from '../session/context';
import { Badge, Button, EmptyState, ErrorText, Progress, TextArea } from '../ui/ui';
import { ACCEPT, isAudio, type UploadItem, useUploads } from './useUploads';

export function UploadTab() {
  const { sessionId, revisions, reloadRevisions } = useSession();
  const { items, add, pause, resume, remove, clear } = useUploads(sessionId);
  const [changelog, setChangelog] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [createdId, setCreatedId] = useState<string | null>(null);

  const next = (revisions?.length ?? 0) + 1;
  const mix = items.find((i) => i.role === 'mix');
  const stems = items.filter((i) => i.role === 'stem');
  const allDone = items.length > 0 && items.every((i) => i.status === 'done' && i.uploadId);
  const ready = !!mix && allDone;

  const create = async () => {
    if (!mix?.uploadId) return;
    setBusy(true);
    setError('');
    try {
      const revision = await createRevision(sessionId, {
        mixUploadId: mix.uploadId,
        ...(stems.length ? { stemUploadIds: stems.map((s) => s.uploadId!) } : {}),
        ...(changelog.trim() ? { changelog: changelog.trim() } : {}),
      });
      setCreatedId(revision.id);
      setChangelog('');
      clear();
      await reloadRevisions();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const latest = revisions?.length ? revisions[revisions.length - 1]! : null;
  const shown = revisions?.find((r) => r.id === createdId) ?? latest;

  return (
    <div className="upload-grid">
      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">Upload revision v{next}</h2>
        <p className="muted">
          Drop the stereo bounce and, if you like, its stems. Uploads resume where they stopped if the
          connection drops or you reload the page.
        </p>
        <div className="dropzones">
          <DropZone
            label="Mix bounce"
            hint="One stereo file: WAV, AIFF, FLAC or MP3"
            buttonLabel="Choose mix bounce"
            onFiles={(files) => add(files.slice(0, 1), 'mix')}
          />
          <DropZone
            label="Stems (optional)"
            hint="Several files; each becomes a channel in the mixer"
            buttonLabel="Choose stems"
            multiple
            onFiles={(files) => add(files, 'stem')}
          />
        </div>
        {items.length > 0 && (
          <ul className="upload-list" aria-label="Files being uploaded">
            {items.map((item) => (
              <UploadRow key={item.key} item={item} onPause={pause} onResume={resume} onRemove={remove} />
            ))}
          </ul>
        )}
        <TextArea
          label="Changelog"
          rows={3}
          maxLength={5000}
          placeholder="What changed since the last revision? e.g. “Vocal down 1.5 dB in the chorus, wider guitars”"
          value={changelog}
          onChange={(e) => setChangelog(e.target.value)}
        />
        <ErrorText>{error}</ErrorText>
        <div className="row">
          <Button variant="primary" disabled={!ready} busy={busy} onClick={() => void create()}>
            Create revision v{next}
          </Button>
          {!mix && <span className="muted small">Add a mix bounce to continue.</span>}
          {mix && !allDone && <span className="muted small">Waiting for uploads to finish…</span>}
        </div>
      </section>
      <section className="card" aria-labelledby="analysis-title">
        <h2 id="analysis-title">{shown ? `Analysis of v${shown.number}` : 'Analysis'}</h2>
        {shown ? (
          <RevisionAnalysis revision={shown} />
        ) : (
          <EmptyState title="No revisions yet — upload a bounce">
            <p>Loudness, true peak and clip-gain suggestions for every file appear here after upload.</p>
          </EmptyState>
        )}
        {shown && (
          <Button variant="ghost" onClick={() => navigate(`/sessions/${sessionId}?rev=${shown.id}`)}>
            Open v{shown.number} in the review room
          </Button>
        )}
      </section>
    </div>
  );
}

function DropZone({
  label,
  hint,
  buttonLabel,
  multiple,
  onFiles,
}: {
  label: string;
  hint: string;
  buttonLabel: string;
  multiple?: boolean;
  onFiles(files: File[]): void;
}) {
  const id = useId();
  const [over, setOver] = useState(false);
  const [rejected, setRejected] = useState('');
  const accept = (list: FileList | null) => {
    const files = [...(list ?? [])];
    const audio = files.filter(isAudio);
    setRejected(
      files.length > audio.length
        ? `Skipped ${files.length - audio.length} file(s) that are not audio: ${files
            .filter((f) => !isAudio(f))
            .map((f) => f.name)
            .join(', ')}`
        : '',
    );
    if (audio.length) onFiles(audio);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    accept(e.dataTransfer.files);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; keyboard users choose files with the button inside
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <strong>{label}</strong>
      <span className="muted small">{hint}</span>
      <label htmlFor={id} className="btn btn-secondary btn-sm file-button">
        {buttonLabel}
      </label>
      <input
        id={id}
        className="visually-hidden"
        type="file"
        accept={ACCEPT}
        multiple={multiple}
        onChange={(e) => {
          accept(e.target.files);
          e.target.value = '';
        }}
      />
      <span className="muted small">or drop {multiple ? 'files' : 'a file'} here</span>
      {rejected && <ErrorText>{rejected}</ErrorText>}
    </div>
  );
}

function UploadRow({
  item,
  onPause,
  onResume,
  onRemove,
}: {
  item: UploadItem;
  onPause(key: string): void;
  onResume(key: string): void;
  onRemove(key: string): void;
}) {
  const pct = item.total ? Math.round((item.sent / item.total) * 100) : 0;
  return (
    <li className={`upload-row status-${item.status}`}>
      <div className="upload-name">
        <Badge tone={item.role === 'mix' ? 'info' : 'neutral'}>{item.role}</Badge>
        <span>{item.file.name}</span>
        <span className="muted small">
          {formatBytes(item.sent)} / {formatBytes(item.total)}
          {item.resumed && ' · resumed'}
        </span>
      </div>
      <Progress
        label={`Upload of ${item.file.name}`}
        value={item.sent}
        max={item.total || 1}
        tone={item.status}
      />
      <div className="upload-state">
        <span className="small" aria-live="polite">
          {item.status === 'done'
            ? 'Uploaded'
            : item.status === 'paused'
              ? `Paused at ${pct}%`
              : item.status === 'failed'
                ? item.error || 'Failed'
                : `${pct}%`}
        </span>
        {item.status === 'uploading' && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => onPause(item.key)}
            aria-label={`Pause ${item.file.name}`}
          >
            Pause
          </Button>
        )}
        {(item.status === 'paused' || item.status === 'failed') && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => onResume(item.key)}
            aria-label={`Resume ${item.file.name}`}
          >
            {item.status === 'failed' ? 'Retry' : 'Resume'}
          </Button>
        )}
        <Button
          size="sm"
          variant="ghost"
          onClick={() => onRemove(item.key)}
          aria-label={`Remove ${item.file.name}`}
        >
          Remove
        </Button>
      </div>
    </li>
  );
}

/** Analysis progress (live from the event stream) and then the results per file of a revision. */
export function RevisionAnalysis({ revision }: { revision: Revision }) {
  const [progress, setProgress] = useState<Record<string, number>>({});
  useSessionEvent('analysis.progressed', (e) => {
    const fileId = e.data.fileId as string | undefined;
    const p = Number(e.data.fraction ?? e.data.progress);
    if (fileId && Number.isFinite(p)) setProgress((old) => ({ ...old, [fileId]: p }));
  });
  const mix = mixFile(revision);
  const stems = stemFiles(revision);
  return (
    <div className="stack">
      {mix && <FileAnalysis file={mix} progress={progress[mix.id]} />}
      {stems.length > 0 && <StemsAnalysis stems={stems} progress={progress} />}
    </div>
  );
}

function FileAnalysis({ file, progress }: { file: RevisionFile; progress: number | undefined }) {
  const analysis = analysisOf(file);
  return (
    <div className="file-analysis">
      <h3>
        Mix bounce <span className="muted small">{file.filename}</span>
      </h3>
      {analysis ? (
        <AnalysisMeters analysis={analysis} kind="mix" />
      ) : file.analysis.status === 'failed' ? (
        <ErrorText>{file.analysis.error?.message ?? 'The file could not be analysed.'}</ErrorText>
      ) : (
        <AnalysisProgress name={file.filename} progress={progress ?? file.analysis.progress} />
      )}
    </div>
  );
}

function AnalysisProgress({ name, progress }: { name: string; progress: number }) {
  return (
    <div className="analysis-progress">
      <span className="small">
        Analysing {name}… {Math.round(progress * 100)}%
      </span>
      <Progress label={`Analysis of ${name}`} value={progress} tone="analysis" />
    </div>
  );
}

function StemsAnalysis({ stems, progress }: { stems: RevisionFile[]; progress: Record<string, number> }) {
  const pending = stems.filter((s) => s.analysis.status === 'pending' || s.analysis.status === 'running');
  return (
    <div className="file-analysis">
      <h3>Stems: gain staging</h3>
      <p className="muted small">
        Peak of each stem against the healthy window (−18 to −6 dBFS, shaded); arrows show the suggested clip
        gain.
      </p>
      <ClipGainChart>
        {stems.map((s) => (
          <ClipGainRow key={s.id} name={s.name || stemName(s.filename)} analysis={analysisOf(s)} />
        ))}
      </ClipGainChart>
      {pending.map((s) => (
        <AnalysisProgress key={s.id} name={s.filename} progress={progress[s.id] ?? s.analysis.progress} />
      ))}
    </div>
  );
}

export function stemName(filename: string): string {
  return filename.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ');
}
