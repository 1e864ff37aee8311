import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { EdgeHttpError } from './proxy/proxy.errors.js';

/** The edge's own 4xx/5xx (502, 504…) from Nest handlers; everything else goes to libs/http's filter. */
@Catch(EdgeHttpError)
export class EdgeHttpErrorFilter implements ExceptionFilter {
  catch(err: EdgeHttpError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(err.status).json(err.body());
  }
}
