import type { MessagingLogger } from '@alphintra/platform-messaging';

export interface RunnerState {
  status: 'running' | 'finished' | 'failed';
  startedAt: string;
  /** Replay: how far the replay clock has come. */
  position?: string;
  error?: string;
  /** A feed from a remote service (alpaca): its connection. */
  connection?: {
    state: string;
    reason: string | null;
    connections: number;
    reconnects: number;
    lastMessageAt: string | null;
    backfill: { state: 'idle' | 'running' | 'done' | 'failed'; bars: number; reason: string | null };
  };
}

/**
 * A feed's loop: `step(now)` every `intervalMs` of wall time, never two at once; a failing step is
 * logged and the next one tries again. `stop` waits for the step in flight.
 */
export abstract class FeedRunner {
  protected state: RunnerState = { status: 'running', startedAt: new Date().toISOString() };
  private running = true;
  private done?: Promise<void>;
  private wake?: () => void;

  constructor(
    protected readonly logger: MessagingLogger,
    private readonly intervalMs = 250,
  ) {}

  protected abstract step(now: number): Promise<void>;

  /** Called once after the loop ended (stopped or finished). */
  protected abstract finish(): Promise<void>;

  start(): void {
    this.done = this.loop();
  }

  snapshot(): RunnerState {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.done;
  }

  protected end(status: 'finished'): void {
    this.state.status = status;
    this.running = false;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.step(Date.now());
      } catch (err) {
        this.logger.error({ err }, 'market feed step failed; trying again');
      }
      if (this.running) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, this.intervalMs)));
    }
    await this.finish().catch((err: unknown) => this.logger.error({ err }, 'market feed did not finish cleanly'));
  }
}
