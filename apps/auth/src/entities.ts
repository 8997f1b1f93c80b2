import { UserAccount } from './accounts/user-account.entity';
import { SigningKey } from './keys/signing-key.entity';
import { RefreshToken, RefreshTokenFamily } from './sessions/refresh-token.entity';

export const entities = [UserAccount, RefreshTokenFamily, RefreshToken, SigningKey];
