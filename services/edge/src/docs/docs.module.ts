import { Module } from '@nestjs/common';
import { DocsController } from './docs.controller.js';
import { OpenApiCatalog } from './openapi-catalog.js';

@Module({ controllers: [DocsController], providers: [OpenApiCatalog] })
export class DocsModule {}
