import { Controller, Get, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { AssessmentsService } from './assessments.service';
import { assessmentsQuery, type AssessmentsQuery } from './dto/assessments.dto';
import { assessmentPageResponse } from './dto/assessments.responses';

@Controller('api/v1/risk/assessments')
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  /** The caller's own decisions; compliance and admin see everyone's. */
  @Get()
  @ApiDoc({ query: assessmentsQuery, status: 200, response: assessmentPageResponse })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(assessmentsQuery)) q: AssessmentsQuery) {
    return this.assessments.list(user, q);
  }
}
