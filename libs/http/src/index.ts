export { configureHttpApp, type HttpAppOptions } from './http-app.js';
export { HttpErrorFilter, type ErrorBody } from './http-error.filter.js';
export { ZodBodyPipe, openApiSchema } from './zod-body.pipe.js';
export { refusedCharacter, userText } from './user-text.js';
