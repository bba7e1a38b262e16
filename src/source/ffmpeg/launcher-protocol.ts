/** Messages between the service (launcher.ts) and its launcher process (launcher-child.ts). */

export type LauncherRequest =
  /** Start `bin args`; the message's handle, when sent, is the socket the child gets as stdout. */
  { type: 'spawn'; id: number; bin: string; args: string[] } | { type: 'kill'; id: number };

export type LauncherReply =
  | { type: 'spawned'; id: number; pid: number }
  | { type: 'stderr'; id: number; text: string }
  | {
      type: 'exit';
      id: number;
      code: number | null;
      signal: NodeJS.Signals | null;
      /** The child never ran (ENOENT: the binary is missing). */
      spawnError?: { code?: string; message: string };
    };
