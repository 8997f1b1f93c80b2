import type { LoggerService } from '@nestjs/common';
import pino, { type Logger, type LoggerOptions } from 'pino';

/** Fields that hold a secret, wherever a log call puts them (top level, or one or two objects down). */
const SECRET_FIELDS = [
  'password',
  'newPassword',
  'currentPassword',
  'ownerPassword',
  'runtimePassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'apiSecret',
  'secret',
  'clientSecret',
  'webhookSecret',
  'credentials',
  'privateKey',
  'kek',
];
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

/** Paths never written to logs, wherever they appear. */
export const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  ...SECRET_HEADERS.flatMap((h) => ['req.headers', 'res.headers', 'headers', '*.headers', '*.*.headers'].map((at) => `${at}["${h}"]`)),
];

export const loggerOptions = (service: string, level: string): LoggerOptions => ({
  level,
  base: { service },
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export const createLogger = (service: string, level: string): Logger => pino(loggerOptions(service, level));

/** Nest's own log lines, as structured JSON through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}
  log(message: unknown, context?: string) {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string) {
    this.write('error', message, context, trace);
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.write('trace', message, context);
  }
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, context?: string, trace?: string) {
    if (typeof message === 'object' && message !== null) this.pino[level]({ context, trace, ...message });
    else this.pino[level]({ context, trace }, String(message));
  }
}
