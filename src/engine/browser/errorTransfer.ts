import * as Comlink from 'comlink';
import { AssayError, type AssayErrorKind } from '../../core/errors';

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  kind?: AssayErrorKind;
  subject?: string;
  cause?: string;
}

/**
 * Comlink sends thrown errors as plain {name, message}; this keeps an AssayError's kind and
 * subject across the worker boundary so the UI can still tell a bad file from a cancelled query.
 * Imported for its side effect by both the worker and its client.
 */
Comlink.transferHandlers.set('throw', {
  canHandle: (value): value is { value: unknown } => typeof value === 'object' && value !== null && 'value' in value && (value as { value: unknown }).value instanceof Error,
  serialize: ({ value }: { value: Error }) => {
    const out: SerializedError = { name: value.name, message: value.message, stack: value.stack };
    if (value instanceof AssayError) {
      out.kind = value.kind;
      out.subject = value.subject;
      out.message = value.subject && value.message.startsWith(`${value.subject}: `) ? value.message.slice(value.subject.length + 2) : value.message;
    }
    if (value.cause !== undefined) out.cause = value.cause instanceof Error ? value.cause.message : String(value.cause);
    return [out, []];
  },
  deserialize: (s: SerializedError) => {
    const cause = s.cause === undefined ? undefined : new Error(s.cause);
    const error = s.kind ? new AssayError(s.kind, s.message, { subject: s.subject, cause }) : Object.assign(new Error(s.message, { cause }), { name: s.name });
    if (s.stack) error.stack = s.stack;
    throw error;
  },
} as Comlink.TransferHandler<{ value: Error }, SerializedError>);
