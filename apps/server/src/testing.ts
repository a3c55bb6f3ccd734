/** Repositories, exported for the storage contract suite (test/storage-contract.test.ts). */
export { UsersRepository } from './accounts/users.repository.js';
export { SessionsRepository } from './sessions/sessions.repository.js';
