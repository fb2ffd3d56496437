// One event of a tenant's event log, as the edge writes it (R2 objects, the Node host's JSONL file) and the
// trainer's JSONL loader reads it back as training data.

/** One event as the trainer's JSONL loader reads it back (`user_id`, `item_id`, `type`, `timestamp` in seconds). */
export interface EventLine {
  user_id: string;
  item_id: string;
  type: string;
  timestamp: number;
  /** The recommendation list the event refers to (impression, click, conversion), when the client sent one. */
  recomm_id?: string;
  /** The client's idempotency id, when it sent one. */
  event_id?: string;
  /** "publishable" when a read key posted it (the pipeline keeps such events' unknown items out of the catalogue). */
  origin?: "publishable";
}
