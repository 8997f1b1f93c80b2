interface Entry {
  eventId: string;
  frame: string;
}

export interface JournalLimits {
  perUser: number;
  /** Over all users; past it the users updated longest ago are forgotten whole. */
  total: number;
}

/**
 * The latest order updates of each user, as sent, so a client that reconnects can ask for those
 * after the last event id it saw. Every gateway replica sees every event, so any of them can answer.
 */
export class UpdateJournal {
  private readonly byUser = new Map<string, Entry[]>();
  private held = 0;

  constructor(private readonly limits: JournalLimits) {}

  get size(): number {
    return this.held;
  }

  record(userId: string, eventId: string, frame: string): void {
    const ring = this.byUser.get(userId) ?? [];
    this.byUser.delete(userId);
    this.byUser.set(userId, ring);
    ring.push({ eventId, frame });
    this.held++;
    if (ring.length > this.limits.perUser) {
      ring.shift();
      this.held--;
    }
    for (const [oldest, r] of this.byUser) {
      if (this.held <= this.limits.total) break;
      this.byUser.delete(oldest);
      this.held -= r.length;
    }
  }

  /** The frames after `eventId`, oldest first; undefined when the journal no longer holds that event. */
  since(userId: string, eventId: string): string[] | undefined {
    const ring = this.byUser.get(userId);
    const at = ring?.findIndex((e) => e.eventId === eventId) ?? -1;
    return at === -1 ? undefined : ring!.slice(at + 1).map((e) => e.frame);
  }
}
