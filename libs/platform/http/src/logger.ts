import type { LoggerService } from '@nestjs/common';
import pino, { type Logger, type LoggerOptions } from 'pino';

/** Paths never written to logs, wherever they appear. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.apiKey',
  '*.apiSecret',
  '*.credentials',
  '*.token',
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
