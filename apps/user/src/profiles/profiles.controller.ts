import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { preferencesBody, type PreferencesBody } from './dto/preferences.dto';
import { profileChange, type ProfileChange } from './dto/profile.dto';
import { preferencesResponse, profileResponse } from './dto/profiles.responses';
import { ProfilesService } from './profiles.service';

@Controller('api/v1/users/me')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get('profile')
  @ApiDoc({ status: 200, response: profileResponse, problems: [404] })
  profile(@CurrentUser() user: Principal) {
    return this.profiles.profileOf(user.userId);
  }

  @Patch('profile')
  @ApiDoc({ body: profileChange, status: 200, response: profileResponse, problems: [404] })
  changeProfile(@CurrentUser() user: Principal, @Body(new ZodPipe(profileChange)) change: ProfileChange) {
    return this.profiles.changeProfile(user.userId, change);
  }

  @Get('preferences')
  @ApiDoc({ status: 200, response: preferencesResponse, problems: [404] })
  preferences(@CurrentUser() user: Principal) {
    return this.profiles.preferencesOf(user.userId);
  }

  @Put('preferences')
  @ApiDoc({ body: preferencesBody, status: 200, response: preferencesResponse, problems: [404, 422] })
  replacePreferences(@CurrentUser() user: Principal, @Body(new ZodPipe(preferencesBody)) body: PreferencesBody) {
    return this.profiles.replacePreferences(user.userId, body);
  }
}
