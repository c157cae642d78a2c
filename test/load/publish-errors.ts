import { PublishError } from './publisher.ts';

/** Publishes the gateway refused, by HTTP status (0: no answer), with the first message kept. */
export class PublishErrors {
  count = 0;
  readonly byStatus: Record<string, number> = {};
  first: string | null = null;

  record(err: unknown): void {
    this.count++;
    const status = err instanceof PublishError ? String(err.status) : '0';
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.first ??= (err as Error).message;
  }

  toJSON() {
    return { count: this.count, byStatus: this.byStatus, first: this.first };
  }
}
