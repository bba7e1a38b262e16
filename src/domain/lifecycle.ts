/** Every long-lived component: explicit start, idempotent stop (STYLE.md 5). */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  /** Idempotent; safe to call when start() failed or never ran. */
  stop(): Promise<void>;
}
