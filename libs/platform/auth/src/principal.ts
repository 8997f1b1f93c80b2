export const ROLES = ['trader', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The caller an access token speaks for. */
export interface Principal {
  userId: string;
  roles: Role[];
  tokenId?: string;
  /** The login (refresh-token family) the token was issued for; revoking it ends the token early. */
  sessionId?: string;
  /** `iat`, in seconds. */
  issuedAt?: number;
}
