/** The subset of a pino logger the messaging library writes to. */
export interface MessagingLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: MessagingLogger = { info() {}, warn() {}, error() {} };
