import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { ApiDocument } from './api-document';
import { mergeOpenApi } from './openapi-merge';

/** `/docs`: Swagger UI over the merged document, which `/docs/openapi.json` serves as JSON. */
export function serveApiDocs(app: NestFastifyApplication, upstreams: Record<string, string>): void {
  const document = new ApiDocument(upstreams);
  SwaggerModule.setup('docs', app, mergeOpenApi([], []), {
    jsonDocumentUrl: '/docs/openapi.json',
    raw: ['json'],
    customSiteTitle: 'Alphintra API',
    patchDocumentOnRequest: () => document.current(),
  });
}
