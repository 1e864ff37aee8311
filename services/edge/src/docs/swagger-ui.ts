import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * The edge's own document at `/openapi.json`, and one Swagger UI at `/docs` whose drop-down
 * lists every service's document as the edge serves it (`/openapi/<service>.json`), so "Try it
 * out" goes through the edge. The edge's own document comes last: it is the least interesting.
 */
export function setupSwaggerUi(app: INestApplication, services: string[]): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('OnAir edge')
      .setDescription("The public API's single origin: routes /v1/<context>/… to the owning service and serves every service's OpenAPI document.")
      .setVersion('1')
      .build(),
  );
  const urls = [...services.map((name) => ({ name, url: `/openapi/${name}.json` })), { name: 'edge', url: '/openapi.json' }];
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    explorer: true,
    customSiteTitle: 'OnAir API',
    swaggerOptions: { urls, 'urls.primaryName': urls[0].name },
  });
}
