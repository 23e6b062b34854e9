// The Statement as validation proves it (validation/statement.ts): the types every later step reads instead of
// re-checking the JSON (1.0.3 Data 2.4; 9274.1.1 4.2.2). Plain object types, so a Statement is still a Json
// record where one is expected. Properties the LRS sets (lrs-properties.ts) are optional here: a client may omit them.

/** RFC 5646 tag -> text (1.0.3 Data 4.2). */
export type LanguageMap = Record<string, string>;
/** IRI -> any JSON value (1.0.3 Data 4.1). */
export type Extensions = Record<string, unknown>;

export type Account = { homePage: string; name: string };

/** The inverse functional identifiers; an Agent has exactly one, a Group at most one (1.0.3 Data 2.4.2.3). */
type Identifiers = { mbox?: string; mbox_sha1sum?: string; openid?: string; account?: Account };

export type Agent = Identifiers & { objectType?: "Agent"; name?: string };
export type Group = Identifiers & { objectType: "Group"; name?: string; member?: Agent[] };
export type Actor = Agent | Group;

export type Verb = { id: string; display?: LanguageMap };

export type InteractionComponent = { id: string; description?: LanguageMap };

export type ActivityDefinition = {
  name?: LanguageMap;
  description?: LanguageMap;
  type?: string;
  moreInfo?: string;
  extensions?: Extensions;
  interactionType?: string;
  correctResponsesPattern?: string[];
  choices?: InteractionComponent[];
  scale?: InteractionComponent[];
  source?: InteractionComponent[];
  target?: InteractionComponent[];
  steps?: InteractionComponent[];
};

export type Activity = { objectType?: "Activity"; id: string; definition?: ActivityDefinition };

export type StatementRef = { objectType: "StatementRef"; id: string };

export type Score = { scaled?: number; raw?: number; min?: number; max?: number };

/** The `result` property (1.0.3 Data 2.4.5); named apart from a parser's Parsed result. */
export type StatementResult = {
  score?: Score;
  success?: boolean;
  completion?: boolean;
  response?: string;
  duration?: string;
  extensions?: Extensions;
};

/** contextActivities values: one Activity is accepted on input, stored as an array (lrs-properties.ts). */
export type ContextActivities = Partial<Record<"parent" | "grouping" | "category" | "other", Activity | Activity[]>>;

export type ContextAgent = { objectType: "contextAgent"; agent: Agent; relevantTypes?: string[] };
export type ContextGroup = { objectType: "contextGroup"; group: Group; relevantTypes?: string[] };

export type Context = {
  registration?: string;
  instructor?: Actor;
  team?: Group;
  contextActivities?: ContextActivities;
  revision?: string;
  platform?: string;
  language?: string;
  statement?: StatementRef;
  extensions?: Extensions;
  /** 9274.1.1 4.2.2.5 only. */
  contextAgents?: ContextAgent[];
  contextGroups?: ContextGroup[];
};

export type Attachment = {
  usageType: string;
  display: LanguageMap;
  description?: LanguageMap;
  contentType: string;
  length: number;
  sha2: string;
  fileUrl?: string;
};

/** What a Statement and a SubStatement share (1.0.3 Data 2.4.4.3.s8). */
type StatementCore = {
  actor: Actor;
  verb: Verb;
  result?: StatementResult;
  context?: Context;
  timestamp?: string;
  attachments?: Attachment[];
};

/** An Agent as a statement's object says so (1.0.3 Data 2.4.4.2): an absent objectType means Activity there. */
export type AgentObject = Agent & { objectType: "Agent" };

export type SubStatement = StatementCore & {
  objectType: "SubStatement";
  object: Activity | AgentObject | Group | StatementRef;
};

export type StatementObject = Activity | AgentObject | Group | StatementRef | SubStatement;

export type Statement = StatementCore & {
  id?: string;
  object: StatementObject;
  stored?: string;
  authority?: Actor;
  version?: string;
};

/** A statement as stored (lrs-properties.ts): id, authority and version set, contextActivities as arrays. */
export type RecordedStatement = Statement & { id: string; authority: Actor; version: string };

/** A request's statements as validation and the request rules proved them, with where each is in the body. */
export type ValidStatements = {
  statements: Statement[];
  /** `statement[3]` in a batch (POST with an array), `statement` otherwise. */
  path: (index: number) => string;
};
