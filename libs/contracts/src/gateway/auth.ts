import { z } from 'zod';
import { ApiKeyRole, GatewayRole } from './roles';

/** Passwords: long enough to resist guessing, short enough that scrypt stays cheap. */
const Password = z.string().min(10).max(200);
const Email = z.email().max(320);

export const UserLoginRequest = z.object({ email: Email, password: z.string().min(1).max(200) }).strict();
export type UserLoginRequest = z.infer<typeof UserLoginRequest>;

export const UserView = z.object({
  id: z.uuid(),
  email: z.string(),
  role: GatewayRole,
  agentId: z.string().nullable(),
  createdAt: z.string(),
  disabled: z.boolean(),
});
export type UserView = z.infer<typeof UserView>;

export const UserLoginReply = z.object({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: z.string(),
  user: UserView,
});
export type UserLoginReply = z.infer<typeof UserLoginReply>;

/** An agent account must name the agent it acts as; other roles must not. */
export const CreateUserRequest = z
  .object({
    email: Email,
    password: Password,
    role: GatewayRole,
    agentId: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((u) => (u.role === 'agent') === (u.agentId !== undefined), {
    message: 'agentId is required for the agent role and not allowed for others',
    path: ['agentId'],
  });
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const CreateApiKeyRequest = z.object({ name: z.string().min(1).max(200), role: ApiKeyRole }).strict();
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

export const ApiKeyView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  role: ApiKeyRole,
  createdAt: z.string(),
  revoked: z.boolean(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

/** The only time the whole key is shown: the gateway keeps a hash of it. */
export const ApiKeyCreated = ApiKeyView.extend({ key: z.string() });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;
