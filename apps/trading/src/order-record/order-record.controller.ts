import { Controller, Get } from '@nestjs/common';
import { Roles } from '@alphintra/platform-auth';
import { ApiDoc } from '@alphintra/platform-http';
import { orderRecordVerifyResponse, publicKeyResponse } from './dto/order-record.responses';
import { OrderRecordService } from './order-record.service';

/** The order record for compliance and admin, as risk exposes its compliance log (ADR 0033). */
@Controller('api/v1/compliance/orders')
@Roles('compliance', 'admin')
export class OrderRecordController {
  constructor(private readonly record: OrderRecordService) {}

  @Get('verify')
  @ApiDoc({
    summary: 'Recompute the order record and check its signed checkpoints',
    status: 200,
    response: orderRecordVerifyResponse,
    responseDescription: 'The verdict: valid, or the first entry that does not verify and why',
    problems: [401, 403, 503],
  })
  verify() {
    return this.record.verify();
  }

  @Get('public-key')
  @ApiDoc({ summary: "The Ed25519 key the record's checkpoints are signed with", status: 200, response: publicKeyResponse, problems: [401, 403] })
  publicKey() {
    return this.record.publicKey();
  }
}
