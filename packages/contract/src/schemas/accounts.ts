import { text, z } from '../zod.js';

const email = () =>
  z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .pipe(z.email({ message: 'must be an email address' }));
/** Long passphrases allowed; argon2 bounds the work anyway. */
const password = () => z.string().min(10, 'must be at least 10 characters').max(256);

export const User = z
  .object({
    id: z.uuid(),
    email: z.string().nullable(),
    displayName: z.string(),
    isGuest: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('User');
export type User = z.infer<typeof User>;

export const SignupBody = z
  .strictObject({ email: email(), password: password(), displayName: text(80) })
  .openapi('SignupBody');
export type SignupBody = z.infer<typeof SignupBody>;

export const LoginBody = z
  .strictObject({ email: email(), password: z.string().min(1).max(256) })
  .openapi('LoginBody');
export type LoginBody = z.infer<typeof LoginBody>;

/** A guest completes their account: email and password (and optionally a new display name). */
export const UpdateMeBody = z
  .strictObject({
    email: email().optional(),
    password: password().optional(),
    displayName: text(80).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to update')
  .openapi('UpdateMeBody');
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const UserResponse = z.object({ user: User });

export const CreateTokenBody = z.strictObject({ name: text(80) }).openapi('CreateTokenBody');
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

export const AccessToken = z
  .object({ id: z.uuid(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })
  .openapi('AccessToken');
export type AccessToken = z.infer<typeof AccessToken>;

export const CreatedTokenResponse = z.object({
  token: z.string().describe('Shown once; only its hash is stored.'),
  accessToken: AccessToken,
});
export const TokenListResponse = z.object({ tokens: z.array(AccessToken) });
