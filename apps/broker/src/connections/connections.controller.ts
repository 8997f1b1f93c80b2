import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { ConnectionsService } from './connections.service';
import { connectionListResponse, connectionResponse, connectionTestResponse, settingsResponse } from './dto/connections.responses';
import { connectionBody, idParams, settingsBody, type ConnectionBody, type SettingsBody } from './dto/connections.dto';

@Controller('api/v1/broker')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get('connections')
  @ApiDoc({ status: 200, response: connectionListResponse })
  list(@CurrentUser() user: Principal) {
    return this.connections.list(user.userId);
  }

  @Post('connections')
  @HttpCode(201)
  @ApiDoc({ body: connectionBody, status: 201, response: connectionResponse })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(connectionBody)) body: ConnectionBody) {
    return this.connections.create(user.userId, body);
  }

  @Delete('connections/:id')
  @HttpCode(204)
  @ApiDoc({ params: idParams, status: 204, problems: [404] })
  async remove(@CurrentUser() user: Principal, @Param(new ZodPipe(idParams)) p: { id: string }): Promise<void> {
    await this.connections.remove(user.userId, p.id);
  }

  @Post('connections/:id/test')
  @HttpCode(200)
  @ApiDoc({ params: idParams, status: 200, response: connectionTestResponse, problems: [404] })
  test(@CurrentUser() user: Principal, @Param(new ZodPipe(idParams)) p: { id: string }) {
    return this.connections.test(user.userId, p.id);
  }

  @Get('settings')
  @ApiDoc({ status: 200, response: settingsResponse })
  settings(@CurrentUser() user: Principal) {
    return this.connections.settings(user.userId);
  }

  @Put('settings')
  @ApiDoc({ body: settingsBody, status: 200, response: settingsResponse, problems: [422] })
  replaceSettings(@CurrentUser() user: Principal, @Body(new ZodPipe(settingsBody)) body: SettingsBody) {
    return this.connections.replaceSettings(user.userId, body);
  }
}
