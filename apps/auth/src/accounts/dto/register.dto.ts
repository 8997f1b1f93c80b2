import { z } from 'zod';
import { email, newPassword } from './credentials.dto';

export const registerBody = z.object({
  email,
  password: newPassword,
  displayName: z.string().trim().min(1).max(100).nullish(),
});
export type RegisterBody = z.infer<typeof registerBody>;

export interface RegisteredUser {
  userId: string;
  email: string;
}
