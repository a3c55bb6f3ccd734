import { text, z } from '../zod.js';
import { User } from './accounts.js';

export const Role = z.enum(['engineer', 'artist', 'viewer']);
export type Role = z.infer<typeof Role>;

export const Session = z
  .object({
    id: z.uuid(),
    title: z.string(),
    artistName: z.string().nullable(),
    createdBy: z.uuid(),
    roundsAgreed: z.number().int(),
    /** Revisions delivered so far (in GET /api/sessions/:id). */
    roundsUsed: z.number().int().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Session');
export type Session = z.infer<typeof Session>;

export const CreateSessionBody = z
  .strictObject({ title: text(200), artistName: text(200).optional() })
  .openapi('CreateSessionBody');
export type CreateSessionBody = z.infer<typeof CreateSessionBody>;

export const UpdateSessionBody = z
  .strictObject({
    title: text(200).optional(),
    artistName: text(200).nullable().optional(),
    roundsAgreed: z.number().int().min(1).max(50).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to update')
  .openapi('UpdateSessionBody');
export type UpdateSessionBody = z.infer<typeof UpdateSessionBody>;

export const SessionResponse = z.object({ session: Session });
export const SessionWithRoleResponse = z.object({ session: Session, role: Role });
export const SessionListResponse = z.object({ sessions: z.array(Session.extend({ role: Role })) });

export const Member = z
  .object({
    userId: z.uuid(),
    displayName: z.string(),
    email: z.string().nullable(),
    isGuest: z.boolean(),
    role: Role,
    requiredApprover: z.boolean(),
    joinedAt: z.string(),
  })
  .openapi('Member');
export type Member = z.infer<typeof Member>;
export const MemberListResponse = z.object({ members: z.array(Member) });
export const MemberResponse = z.object({ member: Member });

export const MemberParams = z.strictObject({ id: z.uuid(), userId: z.uuid() });
export const UpdateMemberBody = z
  .strictObject({ role: Role.optional(), requiredApprover: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to update')
  .openapi('UpdateMemberBody');
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>;

export const Invite = z
  .object({
    id: z.uuid(),
    sessionId: z.uuid(),
    role: Role,
    email: z.string().nullable(),
    createdBy: z.uuid(),
    createdAt: z.string(),
    expiresAt: z.string(),
    maxUses: z.number().int().nullable(),
    uses: z.number().int(),
    revokedAt: z.string().nullable(),
    status: z.enum(['active', 'expired', 'revoked', 'used_up']),
  })
  .openapi('Invite');
export type Invite = z.infer<typeof Invite>;

export const CreateInviteBody = z
  .strictObject({
    role: Role,
    email: z.string().trim().toLowerCase().max(254).pipe(z.email()).optional(),
    /** Default 168 hours (7 days). */
    expiresInHours: z
      .number()
      .positive()
      .max(24 * 90)
      .optional(),
    maxUses: z.number().int().min(1).max(1000).optional(),
  })
  .openapi('CreateInviteBody');
export type CreateInviteBody = z.infer<typeof CreateInviteBody>;

export const CreatedInviteResponse = z.object({
  invite: Invite,
  url: z.string().describe('Link to share; contains the token.'),
  token: z.string().describe('Shown once; only its hash is stored.'),
});
export const InviteListResponse = z.object({ invites: z.array(Invite) });
export const InviteParams = z.strictObject({ id: z.uuid(), inviteId: z.uuid() });
export const InviteTokenParam = z.strictObject({ token: z.string().min(1).max(128) });

export const InvitePreviewResponse = z
  .object({ sessionTitle: z.string(), role: Role, invitedBy: z.string(), expiresAt: z.string() })
  .openapi('InvitePreview');

export const AcceptInviteBody = z
  .strictObject({ displayName: text(80).optional() })
  .openapi('AcceptInviteBody');
export type AcceptInviteBody = z.infer<typeof AcceptInviteBody>;
export const AcceptInviteResponse = z.object({ session: Session, user: User, role: Role });

export const AuditEvent = z.object({
  id: z.number().int(),
  actorId: z.uuid().nullable(),
  action: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export const AuditListResponse = z.object({ events: z.array(AuditEvent) });
