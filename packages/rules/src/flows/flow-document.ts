// The flow document (issue 18): named nodes with typed transitions. These types are the pure package's
// own view of the document; the API's FlowDocument schema (openapi/) must stay assignable to them, which
// the server checks at compile time when it reads flows. A transition left out ends the call there.

/** A node's name within its flow: letters, digits, `_` and `-`. */
export type NodeId = string;

/** What the caller hears: text spoken by TTS, or an audio prompt (`aud_...`) or an https URL played. */
export type Prompt = { say: string; language?: string; voice?: string } | { play: string };

/** How a caller may answer a menu or a gather. */
export type InputKind = 'dtmf' | 'speech';

/** A value in a comparison: a variable's current value, or a literal. */
export type Operand = { var: string } | { value: string | number | boolean };

/** Typed comparisons only (no code strings): numbers compare as numbers, everything else as text. */
export type ComparisonOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'starts_with' | 'ends_with' | 'contains' | 'in';

export interface Comparison {
  left: Operand;
  op: ComparisonOp;
  /** For `in`, a list of operands; otherwise one. */
  right: Operand | Operand[];
}

/** One comparison, all of several, or any of several. */
export type Condition = Comparison | { all: Comparison[] } | { any: Comparison[] };

export interface SayNode {
  type: 'say';
  text: string;
  language?: string;
  voice?: string;
  next?: NodeId;
}

export interface PlayNode {
  type: 'play';
  /** An audio prompt id (`aud_...`) or an https URL. */
  audio: string;
  next?: NodeId;
}

export interface MenuChoice {
  /** Keys pressed, e.g. `1` or `12`; DTMF characters only (0-9, *, #). */
  digits?: string;
  /** Spoken phrases that choose it, matched as whole words, case and punctuation ignored. */
  phrases?: string[];
  next: NodeId;
}

export interface MenuNode {
  type: 'menu';
  prompt: Prompt;
  choices: MenuChoice[];
  /** Default: dtmf, and speech when a choice has phrases. */
  input?: InputKind[];
  timeout_seconds?: number;
  /** How many times the menu is offered before `default`; default 3. */
  max_attempts?: number;
  no_input?: Prompt;
  no_match?: Prompt;
  /** Where the caller goes when every attempt failed; absent: the call ends. */
  default?: NodeId;
}

export interface GatherNode {
  type: 'gather';
  prompt: Prompt;
  /** The variable the answer is stored in. */
  into: string;
  input?: InputKind[];
  min_length?: number;
  max_length?: number;
  /** A regular expression the whole answer must match. */
  pattern?: string;
  finish_on_key?: string;
  timeout_seconds?: number;
  /** Default 3. */
  max_attempts?: number;
  invalid?: Prompt;
  next?: NodeId;
  /** Where the caller goes when every attempt failed; absent: the call ends. */
  failure?: NodeId;
}

export interface BusinessHoursNode {
  type: 'business_hours';
  /** A schedule of the account (`sch_...`): weekly hours, time zone and holidays. */
  schedule_id: string;
  open?: NodeId;
  closed?: NodeId;
}

export interface ConditionNode {
  type: 'condition';
  /** Tried in order; the first whose condition holds is taken. */
  branches: { when: Condition; next: NodeId }[];
  else?: NodeId;
}

export interface SetNode {
  type: 'set';
  /** Values may name variables as `{{name}}`. */
  values: Record<string, string>;
  next?: NodeId;
}

export interface HttpNode {
  type: 'http';
  url: string;
  method?: 'GET' | 'POST';
  /** Sent as JSON (POST); values may name variables as `{{name}}`. */
  body?: Record<string, string>;
  timeout_seconds?: number;
  /** Variables set from the JSON answer, each by a JSON Pointer (`/customer/tier`). */
  save?: Record<string, string>;
  next?: NodeId;
  /** Taken on a timeout, a network error or a non-2xx answer; absent: the call ends. */
  failure?: NodeId;
}

export type TransferTarget =
  | { type: 'sip_user'; sip_user_id: string }
  | { type: 'ring_group'; ring_group_id: string }
  | { type: 'number'; number: string }
  | { type: 'sip_uri'; uri: string };

export interface TransferNode {
  type: 'transfer';
  to: TransferTarget;
  timeout_seconds?: number;
  /** Taken when nobody answers or the target refuses; absent: the call ends. */
  failure?: NodeId;
}

export interface VoicemailNode {
  type: 'voicemail';
  voicemail_box_id: string;
}

export interface EnqueueNode {
  type: 'enqueue';
  queue_id: string;
  failure?: NodeId;
}

export interface RecordNode {
  type: 'record';
  /** The variable that receives the recording's id. */
  into?: string;
  max_length_seconds?: number;
  finish_on_key?: string;
  beep?: boolean;
  next?: NodeId;
}

export interface SubflowNode {
  type: 'subflow';
  flow_id: string;
  /** A published revision; absent: the latest. */
  revision?: number;
  /** The subflow's parameters, by name; values may name variables as `{{name}}`. */
  parameters?: Record<string, string>;
  /** Variables of this flow set from the subflow's returned values: `{ ours: "theirs" }`. */
  returns?: Record<string, string>;
  next?: NodeId;
}

export interface ReturnNode {
  type: 'return';
  /** Values handed back to the calling flow; values may name variables as `{{name}}`. */
  values?: Record<string, string>;
}

export interface HangupNode {
  type: 'hangup';
}

export type FlowNode =
  | SayNode
  | PlayNode
  | MenuNode
  | GatherNode
  | BusinessHoursNode
  | ConditionNode
  | SetNode
  | HttpNode
  | TransferNode
  | VoicemailNode
  | EnqueueNode
  | RecordNode
  | SubflowNode
  | ReturnNode
  | HangupNode;

export type FlowNodeType = FlowNode['type'];

/**
 * A flow: where it starts, its variables and its named nodes.
 *
 * @example
 * const flow: FlowDocument = { start: 'hi', nodes: { hi: { type: 'say', text: 'Hello {{call.from}}', next: 'bye' }, bye: { type: 'hangup' } } };
 */
export interface FlowDocument {
  start: NodeId;
  /** Variables and their starting values. */
  variables?: Record<string, string>;
  /** For a subflow: the parameters callers pass in (they become variables). */
  parameters?: string[];
  /** Live calls send `flow.node.entered` for each node entered (the server's concern; the interpreter ignores it). */
  node_events?: boolean;
  nodes: Record<NodeId, FlowNode>;
}

/** Variables every flow has: the call's numbers and id. */
export const BUILTIN_VARIABLES = ['call.from', 'call.to', 'call.id'] as const;
