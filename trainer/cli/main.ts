// The `edgerec` command line: dispatches to sub-commands; any failure becomes one readable line and exit code 1.

import { EdgerecError } from "../../shared/errors.ts";
import type { EdgeHost } from "../../shared/store/edge-host.ts";
import type { Command } from "./command.ts";
import { demoCommand } from "./demo.ts";
import { evaluateCommand } from "./evaluate.ts";
import { experimentCommand } from "./experiment.ts";
import { recommendCommand } from "./recommend.ts";
import { keysCommand } from "./keys.ts";
import { pipelineCommand } from "./pipeline.ts";
import { publishCommand } from "./publish.ts";
import { runsCommand } from "./runs.ts";
import { trainCommand } from "./train.ts";

export const COMMANDS: Command[] = [
  trainCommand,
  recommendCommand,
  evaluateCommand,
  publishCommand,
  keysCommand,
  experimentCommand,
  pipelineCommand,
  runsCommand,
  demoCommand,
];

const overview = () =>
  `edgerec — recommendations trained offline, served at the edge and in the browser\n\nUsage: edgerec <command> [options]\n\n${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n")}\n\nRun 'edgerec <command> --help' for a command's options.`;

export async function main(argv: string[], host: EdgeHost): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(overview() + "\n");
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`edgerec: unknown command '${name}'; expected one of: ${COMMANDS.map((c) => c.name).join(", ")}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.usage + "\n");
    return 0;
  }
  try {
    await command.run(rest, host);
    return 0;
  } catch (e) {
    process.stderr.write(`edgerec ${name}: ${errorLine(e)}\n`);
    return 1;
  }
}

/** One line: typed errors carry their message; anything else gets its message, never a stack trace. */
function errorLine(e: unknown): string {
  if (e instanceof EdgerecError) return e.message;
  if (e instanceof Error) return e.message.split("\n")[0] ?? String(e);
  return String(e);
}
