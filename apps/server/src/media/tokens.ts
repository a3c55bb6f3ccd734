/** DI token for the {@link BlobStore} holding audio bytes. */
export const BLOB_STORE = Symbol('BLOB_STORE');
