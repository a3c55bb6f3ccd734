/** Repositories, exported for the storage contract suite (test/storage-contract.test.ts). */
export { UsersRepository } from './accounts/users.repository.js';
export { SessionsRepository } from './sessions/sessions.repository.js';
export { EventStreams } from './events/event-streams.service.js';
export { MixDocuments } from './sync/mix-documents.js';
export { ActivityService } from './activity/activity.service.js';
