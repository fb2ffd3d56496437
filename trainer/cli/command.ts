// The shape of one `edgerec` sub-command. main.ts dispatches to these; each throws an EdgerecError (or any Error)
// on failure, which main turns into one readable line on stderr and a non-zero exit.

export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text. */
  usage: string;
  run(args: string[]): Promise<void>;
}
