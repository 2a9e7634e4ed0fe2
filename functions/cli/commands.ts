import { backfillCommand } from './backfillCommand.ts';
import type { CommandSpec } from './CommandSpec.ts';
import { dlqCommands } from './dlqCommands.ts';
import { endpointCommands } from './endpointCommands.ts';
import { eventCommands } from './eventCommands.ts';
import { orderingCommand } from './orderingCommand.ts';
import { receiverCommands } from './receiverCommands.ts';
import { recoverCommands } from './recoverCommands.ts';
import { tailCommand } from './tailCommand.ts';
import { tenantCommands } from './tenantCommands.ts';
import { trackCommand } from './trackCommand.ts';

/** Every command, in the order `rowhook --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  ...dlqCommands,
  tailCommand,
  ...tenantCommands,
  ...endpointCommands,
  ...recoverCommands,
  ...receiverCommands,
  orderingCommand,
  trackCommand,
  ...eventCommands,
  backfillCommand,
];
