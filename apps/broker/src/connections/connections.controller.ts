import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { ConnectionsService } from './connections.service';
import { connectionBody, idParams, settingsBody, type ConnectionBody, type SettingsBody } from './dto/connections.dto';

@Controller('api/v1/broker')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get('connections')
  list(@CurrentUser() user: Principal) {
    return this.connections.list(user.userId);
  }

  @Post('connections')
  @HttpCode(201)
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(connectionBody)) body: ConnectionBody) {
    return this.connections.create(user.userId, body);
  }

  @Delete('connections/:id')
  @HttpCode(204)
  async remove(@CurrentUser() user: Principal, @Param(new ZodPipe(idParams)) p: { id: string }): Promise<void> {
    await this.connections.remove(user.userId, p.id);
  }

  @Post('connections/:id/test')
  @HttpCode(200)
  test(@CurrentUser() user: Principal, @Param(new ZodPipe(idParams)) p: { id: string }) {
    return this.connections.test(user.userId, p.id);
  }

  @Get('settings')
  settings(@CurrentUser() user: Principal) {
    return this.connections.settings(user.userId);
  }

  @Put('settings')
  replaceSettings(@CurrentUser() user: Principal, @Body(new ZodPipe(settingsBody)) body: SettingsBody) {
    return this.connections.replaceSettings(user.userId, body);
  }
}
