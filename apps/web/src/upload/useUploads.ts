import { useCallback, useEffect, useRef, useState } from 'react';
import { Upload } from 'tus-js-client';

export type UploadStatus = 'uploading' | 'paused' | 'done' | 'failed';

export interface UploadItem {
  key: string;
  file: File;
  role: 'mix' | 'stem';
  status: UploadStatus;
  sent: number;
  total: number;
  /** Server-side upload id (last segment of the tus upload URL), once known. */
  uploadId: string | null;
  error: string;
  resumed: boolean;
}

const AUDIO_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  wave: 'audio/wav',
  aif: 'audio/aiff',
  aiff: 'audio/aiff',
  flac: 'audio/flac',
  mp3: 'audio/mpeg',
};

export const ACCEPT = '.wav,.wave,.aif,.aiff,.flac,.mp3,audio/*';

export function fileType(file: File): string {
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return file.type || AUDIO_TYPES[ext] || 'application/octet-stream';
}

export function isAudio(file: File): boolean {
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return file.type.startsWith('audio/') || ext in AUDIO_TYPES;
}

const uploadIdOf = (url: string | null) =>
  url ? decodeURIComponent(url.split('?')[0]!.split('/').pop() ?? '') : null;

/**
 * Resumable uploads (tus) with per-file progress. An interrupted upload of the same file to the same
 * session resumes where it stopped, also after a page reload (the upload URL is kept in localStorage).
 */
export function useUploads(sessionId: string) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const uploads = useRef(new Map<string, Upload>());

  const patch = useCallback((key: string, p: Partial<UploadItem>) => {
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...p } : i)));
  }, []);

  const start = useCallback(
    (key: string, file: File) => {
      const upload = new Upload(file, {
        endpoint: '/api/uploads',
        chunkSize: 8 * 1024 * 1024,
        retryDelays: [0, 1000, 3000, 5000, 10000],
        metadata: { filename: file.name, filetype: fileType(file), sessionId },
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        fingerprint: async () => ['mixroom', sessionId, file.name, file.size, file.lastModified].join(':'),
        onProgress: (sent, total) => patch(key, { sent, total, status: 'uploading' }),
        onUploadUrlAvailable: () => patch(key, { uploadId: uploadIdOf(upload.url) }),
        onSuccess: () => patch(key, { status: 'done', sent: file.size, uploadId: uploadIdOf(upload.url) }),
        onError: (error) => {
          const res = (error as { originalResponse?: { getStatus(): number; getBody(): string } })
            .originalResponse;
          let message = error.message;
          if (res) {
            try {
              message =
                (JSON.parse(res.getBody()) as { error?: { message?: string } }).error?.message ?? message;
            } catch {
              message = `Upload failed (${res.getStatus()}).`;
            }
          }
          patch(key, { status: 'failed', error: message.split('\n')[0] ?? message });
        },
      });
      uploads.current.set(key, upload);
      void upload.findPreviousUploads().then((previous) => {
        const last = previous[0];
        if (last) {
          upload.resumeFromPreviousUpload(last);
          patch(key, { resumed: true });
        }
        upload.start();
      });
    },
    [sessionId, patch],
  );

  const add = useCallback(
    (files: File[], role: 'mix' | 'stem') => {
      const added: UploadItem[] = files.map((file) => ({
        key: `${role}:${file.name}:${file.size}:${file.lastModified}:${Math.random().toString(36).slice(2)}`,
        file,
        role,
        status: 'uploading',
        sent: 0,
        total: file.size,
        uploadId: null,
        error: '',
        resumed: false,
      }));
      setItems((list) => {
        // One mix per revision: a new bounce replaces the previous choice.
        let next = list;
        if (role === 'mix') {
          for (const old of list.filter((i) => i.role === 'mix')) {
            void uploads.current.get(old.key)?.abort(old.status !== 'done');
            uploads.current.delete(old.key);
          }
          next = list.filter((i) => i.role !== 'mix');
        }
        return [...next, ...added];
      });
      for (const item of added) start(item.key, item.file);
    },
    [start],
  );

  const pause = useCallback(
    (key: string) => {
      void uploads.current.get(key)?.abort(false);
      patch(key, { status: 'paused' });
    },
    [patch],
  );

  const resume = useCallback(
    (key: string) => {
      const upload = uploads.current.get(key);
      if (!upload) return;
      patch(key, { status: 'uploading', error: '' });
      upload.start();
    },
    [patch],
  );

  const remove = useCallback((key: string) => {
    const upload = uploads.current.get(key);
    setItems((list) => {
      const item = list.find((i) => i.key === key);
      // Unfinished uploads are terminated on the server so their partial bytes are freed.
      void upload?.abort(item?.status !== 'done').catch(() => undefined);
      return list.filter((i) => i.key !== key);
    });
    uploads.current.delete(key);
  }, []);

  const clear = useCallback(() => {
    uploads.current.clear();
    setItems([]);
  }, []);

  useEffect(() => {
    const all = uploads.current;
    return () => {
      for (const u of all.values()) void u.abort(false);
    };
  }, []);

  return { items, add, pause, resume, remove, clear };
}
