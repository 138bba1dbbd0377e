import { pino, type Logger } from 'pino';

/** Named loggers per subsystem, all children of one root. */
export interface Loggers {
  root: Logger;
  http: Logger;
  store: Logger;
  /** The audit trail's log line per business event (the trail itself is in the database). */
  audit: Logger;
}

export function createLoggers(level: string, destination?: pino.DestinationStream): Loggers {
  const root = destination ? pino({ level, base: { app: 'accord' } }, destination) : pino({ level, base: { app: 'accord' } });
  return {
    root,
    http: root.child({ subsystem: 'http' }),
    store: root.child({ subsystem: 'store' }),
    audit: root.child({ subsystem: 'audit' }),
  };
}
