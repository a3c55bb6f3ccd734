import {
  addDeliverable,
  addReference,
  addSection,
  readMix,
  setBriefText,
  setPrinciples,
  setSongInfo,
} from '@mixroom/mix-model';
import type * as Y from 'yjs';
import {
  type Audio,
  DEMO_DURATION_S,
  DEMO_SECTIONS,
  encodeWav16,
  mixStems,
  synthesizeStemsAsync,
} from './synth.js';

/** What the demo needs of the shared mix document (the sync service's MixDocuments). */
export interface DemoMixDocuments {
  change(sessionId: string, fn: (doc: Y.Doc) => void): Promise<void>;
  read<T>(sessionId: string, fn: (doc: Y.Doc) => T): Promise<T>;
}

/** Talks to this server's own HTTP API as one user (cookie or bearer token). */
export class DemoHttp {
  constructor(
    readonly baseUrl: string,
    private auth: Record<string, string>,
  ) {}

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { ...this.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    this.keepCookie(res);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} failed (${res.status}): ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A tus upload in one PATCH; returns the upload id. */
  async upload(sessionId: string, filename: string, bytes: Uint8Array): Promise<string> {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const created = await fetch(`${this.baseUrl}/api/uploads`, {
      method: 'POST',
      headers: {
        ...this.auth,
        'tus-resumable': '1.0.0',
        'upload-length': String(bytes.byteLength),
        'upload-metadata': `sessionId ${b64(sessionId)},filename ${b64(filename)},filetype ${b64('audio/wav')}`,
      },
    });
    const location = created.headers.get('location');
    if (created.status !== 201 || !location) {
      throw new Error(
        `upload of ${filename} was refused (${created.status}): ${(await created.text()).slice(0, 200)}`,
      );
    }
    const url = new URL(location, this.baseUrl).href;
    const patched = await fetch(url, {
      method: 'PATCH',
      headers: {
        ...this.auth,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: bytes,
    });
    if (patched.status !== 204) throw new Error(`upload of ${filename} failed (${patched.status})`);
    return decodeURIComponent(new URL(url).pathname.split('/').pop()!);
  }

  private keepCookie(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const m = line.match(/^mixroom_session=([^;]+)/);
      if (m) this.auth = { ...this.auth, cookie: `mixroom_session=${m[1]}` };
    }
  }
}

interface RevisionBody {
  revision: { id: string; number: number; files: { id: string; kind: string; name: string }[] };
}

export interface DemoSessionResult {
  sessionId: string;
  title: string;
}

const wav = (a: Audio) => encodeWav16(a);

/**
 * Builds the demo session as `owner` (who becomes its engineer): synthesised stems and two mix revisions,
 * song sections and a vision brief in the shared document, a guest artist who leaves a few notes and signs
 * the brief. Everything goes through the public API except the document, which the server writes itself.
 */
export async function createDemoSession(owner: DemoHttp, docs: DemoMixDocuments): Promise<DemoSessionResult> {
  const title = 'Night Drive (demo)';
  const { session } = await owner.json<{ session: { id: string } }>('POST', '/api/sessions', {
    title,
    artistName: 'The Demo Band',
  });
  const sessionId = session.id;

  const stems = await synthesizeStemsAsync();
  const v1Mix = mixStems(stems, { gainsDb: { 'Lead vocal': 1.5, 'Rhythm gtr': -2 } });
  const stemIds: string[] = [];
  for (const stem of stems) {
    stemIds.push(
      await owner.upload(sessionId, `${stem.name.toLowerCase().replace(/\s+/g, '-')}.wav`, wav(stem)),
    );
  }
  const v1 = await owner.json<RevisionBody>('POST', `/api/sessions/${sessionId}/revisions`, {
    mixUploadId: await owner.upload(sessionId, 'night-drive-v1.wav', wav(v1Mix)),
    stemUploadIds: stemIds,
    changelog: 'First balance. Clip gains set from the analysis; vocal sits on top, guitars tucked in.',
  });

  await docs.change(sessionId, (doc) => {
    setSongInfo(doc, { durationS: DEMO_DURATION_S, tempoBpm: 120 });
    for (const s of DEMO_SECTIONS) addSection(doc, s);
    setBriefText(
      doc,
      'Like if Bon Iver produced a Depeche Mode track: intimate, breathy verses, then a chorus that opens up ' +
        'into something wide and urgent. The voice always leads; the guitars answer it.',
    );
    setPrinciples(doc, {
      balance: 'Vocal on top everywhere; rhythm guitars carry the chorus, not the verse.',
      blend: 'Pad and bass glued together underneath, like one instrument.',
      timbre: 'Warm, slightly dark guitars; no harsh top end on the hats.',
      space: 'Dry and close verses, a big but short reverb in the chorus.',
      clarity: 'Every word of the lead must be heard, even in the last chorus.',
    });
    addReference(doc, {
      title: 'Enjoy the Silence — Depeche Mode',
      listenFor: 'how the pad and bass blend into one bed',
    });
    addReference(doc, { title: 'Holocene — Bon Iver', listenFor: 'the intimacy and air around the voice' });
    addDeliverable(doc, { label: 'Stereo master, 24-bit / 48 kHz WAV' });
    addDeliverable(doc, { label: 'Instrumental' });
    addDeliverable(doc, { label: 'Stems of the final balance' });
  });
  const ids = await docs.read(sessionId, (doc) => {
    const mix = readMix(doc);
    return {
      chorus: mix.sections.find((s) => s.label === 'Chorus 1')?.id,
      verse: mix.sections.find((s) => s.kind === 'verse')?.id,
      rhythm: mix.stems.find((s) => s.name.toLowerCase().includes('rhythm'))?.id,
      lead: mix.stems.find((s) => s.name.toLowerCase().includes('lead'))?.id,
    };
  });

  // The artist joins as a guest through an invite, like a real client would.
  const invite = await owner.json<{ token: string }>('POST', `/api/sessions/${sessionId}/invites`, {
    role: 'artist',
    expiresInHours: 24,
    maxUses: 1,
  });
  const artist = new DemoHttp(owner.baseUrl, {});
  await artist.json('POST', `/api/invites/${invite.token}/accept`, { displayName: 'Ada (demo artist)' });

  const note = (who: DemoHttp, revisionId: string, body: Record<string, unknown>) =>
    who.json<{ note: { id: string } }>('POST', `/api/revisions/${revisionId}/notes`, body);
  const chorusNote = await note(artist, v1.revision.id, {
    atS: 24,
    endS: 40,
    body: 'Chorus: rhythm guitars up, they should push the song forward.',
    ...(ids.chorus ? { sectionId: ids.chorus } : {}),
    ...(ids.rhythm ? { stemId: ids.rhythm, direction: 'up', amountDb: 3 } : {}),
  });
  await note(owner, v1.revision.id, { body: 'Agreed, trying +3 dB in v2.', parentId: chorusNote.note.id });
  await note(artist, v1.revision.id, {
    atS: 12.5,
    body: 'Love how close the voice feels in the verse. Keep this.',
    ...(ids.verse ? { sectionId: ids.verse } : {}),
  });

  const v2Mix = mixStems(stems, {
    gainsDb: { 'Lead vocal': 1.5, 'Rhythm gtr': -2 },
    sectionGainsDb: [
      { stem: 'Rhythm gtr', startS: 24, endS: 40, db: 3 },
      { stem: 'Rhythm gtr', startS: 48, endS: 60, db: 3 },
    ],
  });
  const v2 = await owner.json<RevisionBody>('POST', `/api/sessions/${sessionId}/revisions`, {
    mixUploadId: await owner.upload(sessionId, 'night-drive-v2.wav', wav(v2Mix)),
    changelog: 'Rhythm guitars +3 dB in both choruses, as Ada asked.',
  });
  await owner.json('PATCH', `/api/notes/${chorusNote.note.id}`, { resolved: true });
  await note(artist, v2.revision.id, {
    atS: 46,
    endS: 50,
    body: 'The lift from the bridge into the last chorus could hit harder.',
  });
  await artist.json('POST', `/api/sessions/${sessionId}/brief/signatures`);
  return { sessionId, title };
}
