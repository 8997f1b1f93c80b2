export const ROLES = ['trader', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The caller an access token speaks for. */
export interface Principal {
  userId: string;
  roles: Role[];
  tokenId?: string;
}
