export { DomainError, ValidationFailedError, type ErrorKind, type FieldIssue } from './domain-error.js';
