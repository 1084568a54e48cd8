import { Injectable } from '@nestjs/common';

/** Time behind a class, so rules that depend on it can be tested without waiting. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  nowMs(): number {
    return Date.now();
  }
}
