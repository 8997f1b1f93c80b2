import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const clockResponse = z.object({
  timestamp: wire.timestamp(),
  isOpen: z.boolean(),
  nextOpen: wire.timestamp(),
  nextClose: wire.timestamp().describe('the close of the session in progress, or of the next one'),
});

export const calendarResponse = wire.list(
  z.object({
    date: wire.date().describe('the exchange date'),
    open: z.string().describe('exchange time, ISO 8601 with the exchange offset: 2026-03-09T09:30:00-04:00'),
    close: z.string().describe('exchange time: 16:00, or 13:00 on an early close'),
    openUtc: wire.timestamp(),
    closeUtc: wire.timestamp(),
    earlyClose: z.boolean(),
  }),
);
