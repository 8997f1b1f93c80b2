import { z } from 'zod';
import { email } from '../../accounts/dto/credentials.dto';
import { REFRESH_TOKEN_FORMAT } from '../refresh-token';

export const loginBody = z.object({
  email,
  password: z.string().min(1, 'is required').max(128, 'must be at most 128 characters'),
});
export type LoginBody = z.infer<typeof loginBody>;

export const refreshTokenBody = z.object({
  refreshToken: z.string().regex(REFRESH_TOKEN_FORMAT, 'must be a refresh token issued by this service'),
});
export type RefreshTokenBody = z.infer<typeof refreshTokenBody>;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}
