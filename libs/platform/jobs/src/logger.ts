/** The subset of a pino logger the jobs library writes to. */
export interface JobsLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
