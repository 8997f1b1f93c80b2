import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { preferencesBody, type PreferencesBody } from './dto/preferences.dto';
import { profileChange, type ProfileChange } from './dto/profile.dto';
import { ProfilesService } from './profiles.service';

@Controller('api/v1/users/me')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get('profile')
  profile(@CurrentUser() user: Principal) {
    return this.profiles.profileOf(user.userId);
  }

  @Patch('profile')
  changeProfile(@CurrentUser() user: Principal, @Body(new ZodPipe(profileChange)) change: ProfileChange) {
    return this.profiles.changeProfile(user.userId, change);
  }

  @Get('preferences')
  preferences(@CurrentUser() user: Principal) {
    return this.profiles.preferencesOf(user.userId);
  }

  @Put('preferences')
  replacePreferences(@CurrentUser() user: Principal, @Body(new ZodPipe(preferencesBody)) body: PreferencesBody) {
    return this.profiles.replacePreferences(user.userId, body);
  }
}
