// Where the Node host keeps its state (default `.edgerec/state`, `--state` / env EDGEREC_STATE): artifacts per
// tenant and version, tenant config as JSON, and the event log as one append-only JSONL file per tenant.
// The names below the state dir are shared/store/keys.ts's; `edgerec publish --target node` and `edgerec keys
// create --target node` write the same layout (edge/node/edge-store-host.ts).

import path from "node:path";
import { stateArtifactSegments, stateConfigSegments, stateEventLogSegments, stateItemOverlaySegments } from "../../shared/store/keys.ts";

export const DEFAULT_STATE_DIR = ".edgerec/state";

export const stateDirFromEnv = (explicit?: string): string => path.resolve(explicit ?? process.env.EDGEREC_STATE ?? DEFAULT_STATE_DIR);
export const artifactPath = (state: string, tenant: string, version: string, file: string): string => path.join(state, ...stateArtifactSegments(tenant, version, file));
export const configPath = (state: string, tenant: string): string => path.join(state, ...stateConfigSegments(tenant));
export const eventLogPath = (state: string, tenant: string): string => path.join(state, ...stateEventLogSegments(tenant));
export const itemOverlayPath = (state: string, tenant: string): string => path.join(state, ...stateItemOverlaySegments(tenant));
