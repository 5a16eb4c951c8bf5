import { Logger } from '@nestjs/common';
import { JsonLogger, type LogLevel } from './json-logger';

function capture(level: LogLevel): { logger: JsonLogger; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const logger = new JsonLogger({
    level,
    write: (line) => written.push(line),
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  });
  return {
    logger,
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with level, time and context', () => {
    const { logger, lines } = capture('log');
    logger.log('listening', 'NestApplication');
    expect(lines()).toEqual([
      {
        time: '2026-01-02T03:04:05.000Z',
        level: 'log',
        context: 'NestApplication',
        msg: 'listening',
      },
    ]);
  });

  it('merges an object message into the line', () => {
    const { logger, lines } = capture('log');
    logger.log({ msg: 'request', method: 'GET', status: 200, requestId: 'r1' }, 'http');
    expect(lines()[0]).toMatchObject({
      msg: 'request',
      method: 'GET',
      status: 200,
      requestId: 'r1',
      context: 'http',
    });
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.debug('noise');
    logger.log('info');
    logger.warn('careful');
    logger.error('broken');
    expect(lines().map((line) => line['level'])).toEqual(['warn', 'error']);
  });

  it('keeps the stack Nest passes to error()', () => {
    const { logger, lines } = capture('error');
    logger.error('failed', 'Error: failed\n    at x.ts:1', 'ExceptionsHandler');
    expect(lines()[0]).toMatchObject({
      msg: 'failed',
      stack: 'Error: failed\n    at x.ts:1',
      context: 'ExceptionsHandler',
    });
  });

  it('serialises errors inside an object message', () => {
    const { logger, lines } = capture('warn');
    logger.warn({ msg: 'redis unreachable', error: new Error('ECONNREFUSED') });
    expect(lines()[0]).toMatchObject({ error: { name: 'Error', message: 'ECONNREFUSED' } });
  });

  it('receives what a Nest Logger with a context writes', () => {
    const { logger, lines } = capture('log');
    Logger.overrideLogger(logger);
    try {
      new Logger('RecordsService').error({ msg: 'adding the flow failed' });
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'error',
        context: 'RecordsService',
        msg: 'adding the flow failed',
      }),
    ]);
  });
});
