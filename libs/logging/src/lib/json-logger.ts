import type { LoggerService } from '@nestjs/common';

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
type EmittedLevel = LogLevel | 'fatal';

const SEVERITY: Record<EmittedLevel, number> = {
  verbose: 0,
  debug: 1,
  log: 2,
  warn: 3,
  error: 4,
  fatal: 5,
};

export interface JsonLoggerOptions {
  level: LogLevel;
  /** Where each line goes; stdout unless a test wants to read them. */
  write?: (line: string) => void;
  now?: () => Date;
}

/**
 * One JSON object per line, so that log shippers parse every field. Nest calls these methods
 * with `(message, ...params, context?)` where the last string is the context; a message that
 * is an object is merged into the line.
 */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;
  private readonly write: (line: string) => void;
  private readonly now: () => Date;

  constructor(options: JsonLoggerOptions) {
    this.threshold = SEVERITY[options.level];
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = options.now ?? (() => new Date());
  }

  log(message: unknown, ...params: unknown[]): void {
    this.emit('log', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('fatal', message, params);
  }

  private emit(level: EmittedLevel, message: unknown, params: unknown[]): void {
    if (SEVERITY[level] < this.threshold) return;
    const last = params.at(-1);
    const context = typeof last === 'string' ? last : undefined;
    // Nest's Logger pads a missing stack with undefined before the context.
    const rest = (context === undefined ? params : params.slice(0, -1)).filter(
      (p) => p !== undefined,
    );
    const line: Record<string, unknown> = { time: this.now().toISOString(), level };
    if (context) line['context'] = context;

    if (message instanceof Error) {
      line['msg'] = message.message;
      line['stack'] = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(line, message);
    } else {
      line['msg'] = String(message);
    }
    const [first] = rest;
    // Nest's error(message, stack, context) passes the stack as the one remaining string.
    if (SEVERITY[level] >= SEVERITY.error && rest.length === 1 && typeof first === 'string') {
      line['stack'] ??= first;
    } else if (rest.length > 0) {
      line['details'] = rest.length === 1 ? first : rest;
    }
    this.write(JSON.stringify(line, replaceErrors));
  }
}

function replaceErrors(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
