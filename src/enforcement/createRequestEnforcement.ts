import DataLoader from "dataloader";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { ErrorCode } from "../errors/ErrorCode.js";
import { GatewayError } from "../errors/GatewayError.js";
import type { Caller } from "../policy/caller.js";
import { decide, decider, type Decision } from "../policy/decide.js";
import { identifierScope, pseudonymScope } from "../policy/identifierScope.js";
import type { Effect } from "../policy/matrix.js";
import type { Policy } from "../policy/policy.js";
import type { Purpose } from "../policy/purposes.js";
import type { Reason } from "../policy/reasons.js";
import { ALL_STATE_PARTS, stateParts, type StateParts } from "../policy/stateParts.js";
import type { SubjectState } from "../policy/subjectState.js";
import { createIdScope, type IdScope } from "./createIdScope.js";
import type { DataMap, PersonalField, RecordedField } from "./dataMap.js";
import { SUBJECT_ROOT_TYPE } from "./unclassifiedFields.js";
import { FieldOutcomes, type Outcome } from "./FieldOutcomes.js";
import {
  loadSubjectStates,
  subjectStateColumns,
  subjectStateOf,
  type SubjectStateColumns,
  type SubjectStateRow,
} from "./subjectStateQueries.js";
import { NoSafeForm, outcomeOfRelease, transformValue, type PseudonymOptions } from "./transformValue.js";
import { visibleSubjectsWhere } from "./visibleSubjectsWhere.js";

export interface RequestEnforcementOptions {
  caller: Caller;
  db: Database;
  dataMap: DataMap;
  pseudonymKey: Uint8Array;
  /** The policy in force when the request started: every decision of the request reads this one. */
  policy: Policy;
}

/**
 * One request's enforcement: every decision about a subject's personal data in the request, and
 * the record of what left. Shield rules, the value transform, the resolvers and explainAccess all
 * decide through it, so they cannot disagree. Decisions under the request's purpose are taken
 * once per (subject, category); a subject's state is loaded once (batched, or brought by its row).
 */
export interface RequestEnforcement {
  readonly caller: Caller;
  readonly dataMap: DataMap;
  /** The policy this request decides under (its version goes to the disclosure log and explanations). */
  readonly policy: Policy;
  /** The declared purpose, or null before the purpose plugin has resolved it (or when the operation needs none). */
  readonly purpose: Purpose | null;
  /** The request may execute: its purpose is resolved, or its operation needs none. */
  readonly mayExecute: boolean;
  /**
   * Settles once the purpose plugin has finished with the request: resolved a purpose, found that
   * the operation needs none, or refused it (`mayExecute` false). Before execution, `purpose` and
   * `mayExecute` are read only after it (the static check); never settles without the purpose plugin.
   */
  readonly purposeResolved: Promise<void>;
  /** Called by the purpose plugin once it has finished, whatever the outcome: the purpose is fixed from then on. */
  endPurposeResolution(): void;

  /** Set once, by the purpose plugin, before execution; a second, different purpose throws. */
  setPurpose(resolved: Purpose): void;
  /**
   * Set by the purpose plugin, instead of a purpose, for an operation that statically reads no
   * personal data and no subject (readsSubjectData.ts): it executes, and decides and records
   * nothing; a personal value, an id or a subject it meets at run time all the same is refused.
   */
  executeWithoutPurpose(): void;
  /**
   * The ids this request sends and receives (createIdScope.ts). Without a purpose there are none:
   * an operation that needs no purpose and still reaches a subject's id is refused (PURPOSE_REQUIRED).
   */
  ids(): IdScope;

  /**
   * The decision for a personal output field under the request's purpose if the subject's state
   * is already loaded, else undefined (then use decideFor). No purpose: deny.
   */
  decisionNow(customerId: string, field: PersonalField): Decision | undefined;
  /** The decision for a personal output field under the request's purpose, loading the subject's state if need be. */
  decideFor(customerId: string, field: PersonalField): Promise<Decision>;
  /** The decision for another purpose than the request's (explainAccess); not cached, not recorded. */
  decideAs(customerId: string, category: string, asPurpose: Purpose): Promise<Decision>;
  /**
   * Decides a resolved value and applies the decision: as stored, masked, pseudonymised, or
   * withheld (thrown). Synchronous when the subject's state is loaded (see preload), a promise
   * otherwise. For the rule executor that cannot hand over its decision (graphql-shield).
   */
  apply(customerId: string, field: PersonalField, value: unknown, at?: AnswerPath): unknown;
  /**
   * Applies a decision taken for this subject and field to its resolved value, and records
   * what left: as stored, masked, pseudonymised, or withheld (thrown). Null stays null and
   * records nothing: nothing was disclosed.
   */
  disclose(customerId: string, field: PersonalField, decision: Decision, value: unknown, at?: AnswerPath): unknown;
  /**
   * disclose for a cell of a row decided whole (decideRows.ts): the withheld error is returned,
   * not thrown (the executor raises it at the cell), and the cell's place is its row's (`row`)
   * and its response keys (`keys`, one per alias), so that no path is made per cell.
   */
  release(customerId: string, field: PersonalField, decision: Decision, value: unknown, row: AnswerPath, keys: readonly string[]): unknown;
  /** Records a withheld cell and returns the error it carries: code WITHHELD, the reason code and sentence, never the value. */
  withheld(customerId: string, field: PersonalField, reason: Reason): GatewayError;

  /**
   * A subject matched by a personal input (a filter on email, status, residency): decided as a
   * read of the input's category (the subject's state must be loaded: see preload) and recorded
   * under the input's coordinate, so that the subject's accounting shows the lookup. False when
   * the decision does not let the match be disclosed as it stands (anything short of `allow`: a
   * match reveals the stored value): leave the subject out.
   */
  lookedUp(customerId: string, field: PersonalField): boolean;
  /**
   * A held value compared with one the caller supplied (a requester's identity claim): not
   * released, but a match tells the caller the value, so the comparison is recorded as a
   * disclosure of the field. Not decided: the caller's own checks bound it (src/dsr/identityCheck.ts).
   */
  compared(customerId: string, field: PersonalField): void;
  /**
   * An identifier of the subject or of one of its rows left in this request's scope (a field, a
   * cursor, a lookup by id that matched): recorded as disclosed in the internal scope, as
   * pseudonymised in any other. Identifiers are not decided: a subject the caller may not see
   * is never reached. `at`: the cell's place in the answer, or its row's with the cell's response
   * `keys` (decided rows).
   */
  identified(customerId: string, field: RecordedField, at?: AnswerPath, keys?: readonly string[]): void;
  /**
   * The subject itself identified without its id field: found by its id, a cursor standing for
   * it, an explanation about it. Recorded as its id (`Customer.id`). True, for use in a filter.
   */
  subjectIdentified(customerId: string): true;

  /**
   * SQL keeping, in a page and its count, only the subjects this caller may see at all for the
   * purpose (not opted out, objected, restricted, erased, out of scope). No purpose: nobody.
   */
  visibleSubjects(): SQL;
  /**
   * Columns that a select from `customers` (a page) adds so that each row brings its subject's
   * state in the same statement (the parts this request's purpose consults); hand the rows to
   * `preload`. Undefined: no state is needed.
   */
  readonly subjectStateColumns: SubjectStateColumns | undefined;
  /**
   * Makes the states of subjects about to be read (a page) ready, so that their fields decide
   * synchronously: a row selected with `subjectStateColumns` brings its own, the others are loaded.
   */
  preload(rows: readonly ({ id: string } | SubjectStateRow)[]): Promise<void>;
  /**
   * Whether any personal field of the subject could be read for this purpose: a subject with
   * none is left out of pages and answered as not found, like a subject that does not exist.
   */
  isVisible(customerId: string): Promise<boolean>;
  /** isVisible for another purpose than the request's (explainAccess). */
  isVisibleAs(customerId: string, asPurpose: Purpose): Promise<boolean>;

  /**
   * What the request did with each subject's personal fields, subjects in the order first met (the
   * disclosure log's rows). Given the answer's `data` (pass it when the answer has errors, and only
   * then: without errors nothing was nulled), a value released at a place of the answer (`at`)
   * that an error then nulled (with a parent on the way up) is left out: it never left. Withheld
   * cells, which their errors tell, and what was recorded without a place stay.
   */
  disclosures(data?: unknown): ReadonlyMap<string, FieldOutcomes>;
  /**
   * Runs `action` once the answer is made, if its data holds a value at `at` (an error may have
   * nulled it): after the request's disclosure records are committed, before the answer leaves; a
   * failure withholds the answer as a failed record does (createDisclosurePlugin). For what the
   * answer's leaving changes: an access report's delivery.
   */
  whenAnswered(at: AnswerPath, action: () => Promise<void>): void;
  /** The actions registered with whenAnswered whose place the answer's `data` holds, in order. */
  answeredActions(data: unknown): (() => Promise<void>)[];
  /** Decisions this request applied to its answer, one per (subject, category) with a cell recorded, by effect (metrics). */
  decisionTally(): Readonly<Record<Effect, number>>;
  /** Ties this request's reads of a subject to a data-subject request, for the disclosure log. */
  setSubjectRequest(customerId: string, requestId: string): void;
  /** The data-subject request under which the subject is read in this request (setSubjectRequest), or null. */
  subjectRequestFor(customerId: string): string | null;
}

/**
 * One subject in one request: its state, its decisions by category (for the request's purpose;
 * position i is `DataMap.categories[i]`, a field's `categorySlot`), which of them the answer
 * applied (1 at the slot, counted in the tally), what it disclosed.
 */
interface SubjectEntry {
  readonly state: SubjectState;
  readonly decisions: (Decision | undefined)[];
  readonly applied: Uint8Array;
  disclosure: FieldOutcomes | undefined;
}

/** Where a value stands in the answer: graphql-js's and graphql-jit's `info.path` (response keys, list indexes). */
export interface AnswerPath {
  readonly prev: AnswerPath | undefined;
  readonly key: string | number;
}

/** The value `data` holds at `path`, null when an error nulled it or a parent on the way (or it is null). */
function valueAt(data: unknown, path: AnswerPath): unknown {
  const keys: (string | number)[] = [];
  for (let p: AnswerPath | undefined = path; p !== undefined; p = p.prev) keys.push(p.key);
  let node = data;
  for (let i = keys.length - 1; i >= 0; i--) {
    if (node === null || typeof node !== "object") return null;
    node = (node as Record<string | number, unknown>)[keys[i]!];
  }
  return node ?? null;
}

/** True when `data` holds a value (not null) at `path`, or, given `keys`, under one of them at `path`. */
function holds(data: unknown, path: AnswerPath, keys?: readonly string[]): boolean {
  const node = valueAt(data, path);
  if (node === null || keys === undefined) return node !== null;
  return typeof node === "object" && keys.some((key) => (node as Record<string, unknown>)[key] != null);
}

const NO_PURPOSE: Decision = {
  effect: "deny",
  reason: { code: "PURPOSE_NOT_ALLOWED", message: "No purpose was resolved for this request." },
};

/**
 * A request's RequestEnforcement: subject states are brought by the customer rows a request reads,
 * else batch-loaded in one statement, with only the parts its purpose's decisions consult (see
 * src/policy/stateParts.ts).
 */
export function createRequestEnforcement(options: RequestEnforcementOptions): RequestEnforcement {
  const { caller, db, dataMap, pseudonymKey, policy } = options;
  const subjectIdField = dataMap.identifiers.get(`${SUBJECT_ROOT_TYPE}.id`);
  if (subjectIdField === undefined) throw new Error(`the data map has no ${SUBJECT_ROOT_TYPE}.id identifier`);
  // Resolved by the purpose plugin after the context is built. Held here, not on the context:
  // Apollo shallow-copies the context object, so a field set on it later is not seen everywhere.
  let purpose: Purpose | null = null;
  // Set instead of a purpose for an operation that reads nothing personal (executeWithoutPurpose).
  let withoutPurpose = false;
  // Settled when the purpose plugin has finished (endPurposeResolution). Apollo runs the plugins'
  // `didResolveOperation` hooks together, in no order to rely on: a check before execution awaits this.
  let resolutionEnded = false;
  let endResolution!: () => void;
  const purposeResolved = new Promise<void>((resolve) => {
    endResolution = resolve;
  });
  // Subject states, loaded in batches; once a state has arrived, decisions about that subject
  // are made synchronously (no promise per field: on a page of thousands of values that matters).
  const subjects = new Map<string, SubjectEntry>();
  const settle = (state: SubjectState) => {
    if (!subjects.has(state.customerId)) {
      const slots = dataMap.categories.length;
      subjects.set(state.customerId, {
        state,
        decisions: new Array<Decision | undefined>(slots).fill(undefined),
        applied: new Uint8Array(slots),
        disclosure: undefined,
      });
    }
  };
  // The parts of the state this request's decisions consult (all of them until the purpose is set).
  let parts: StateParts = ALL_STATE_PARTS;
  const stateLoader = (partsToLoad: () => StateParts, onLoaded?: (state: SubjectState) => void) =>
    new DataLoader<string, SubjectState>(
      async (ids) => {
        const loaded = await loadSubjectStates(db, ids, partsToLoad());
        return ids.map((id) => {
          const state = loaded.get(id)!;
          onLoaded?.(state);
          return state;
        });
      },
      { maxBatchSize: 1000 },
    );
  const states = stateLoader(() => parts, settle);
  // Whole states, for decisions under another purpose (explainAccess): never the request's own
  // states, which may lack the parts that purpose consults.
  const wholeStates = stateLoader(() => ALL_STATE_PARTS);
  let idScope: IdScope | undefined; // once the purpose is set
  let transformOptions: PseudonymOptions | undefined; // set with the purpose
  // Decisions the answer applied, once per (subject, category), by effect; the metrics plugin reads
  // them once per request. Not the decisions taken: isVisible takes some for a subject that is then
  // answered as not found, exactly like an unknown id, and the metrics must not tell the two apart.
  const tally: Record<Effect, number> = { allow: 0, mask: 0, pseudonymize: 0, deny: 0 };

  let decideForPurpose: ((category: string, subject: SubjectState) => Decision) | undefined; // once the purpose is set
  /**
   * The subject's decision for a category (by its position in DataMap.categories) under the
   * request's purpose (set), taken once per request: an array read per cell, not a keyed lookup.
   */
  const decisionOf = (entry: SubjectEntry, categorySlot: number, resolved: Purpose): Decision => {
    const decision = entry.decisions[categorySlot];
    return decision !== undefined ? decision : firstDecision(entry, categorySlot, resolved);
  };
  const firstDecision = (entry: SubjectEntry, categorySlot: number, resolved: Purpose): Decision => {
    const category = dataMap.categories[categorySlot];
    if (category === undefined) throw new Error(`no category at slot ${categorySlot}`);
    const decision = (decideForPurpose ??= decider(policy, caller, resolved))(category, entry.state);
    entry.decisions[categorySlot] = decision;
    return decision;
  };

  // The subject last looked up: a row's personal cells are resolved one after another and carry
  // the same id string, so most lookups are one comparison instead of hashing a fresh string.
  let lastId: string | undefined;
  let lastEntry: SubjectEntry | undefined;
  /** The subject's entry once its state is loaded (entries are never replaced), else undefined. */
  const entryOf = (customerId: string): SubjectEntry | undefined => {
    if (customerId === lastId) return lastEntry;
    const entry = subjects.get(customerId);
    if (entry !== undefined) {
      lastId = customerId;
      lastEntry = entry;
    }
    return entry;
  };

  const decisionNow = (customerId: string, field: PersonalField): Decision | undefined => {
    if (purpose === null) return NO_PURPOSE;
    const entry = entryOf(customerId);
    return entry === undefined ? undefined : decisionOf(entry, field.categorySlot, purpose);
  };

  const decideFor = async (customerId: string, field: PersonalField): Promise<Decision> =>
    decisionNow(customerId, field) ?? (await states.load(customerId), decisionNow(customerId, field)!);
  // Subjects in the order their first personal field was disclosed or withheld (the disclosure log's
  // order), with every cell recorded: the record when the answer has no errors.
  const disclosures = new Map<string, FieldOutcomes>();
  // The same cells less those released at a place of the answer, which an error may yet null: the
  // record is rebuilt from these and the placed cells the answer still holds when it has errors.
  const unplaced = new Map<string, FieldOutcomes>();
  /** The data-subject request under which a subject is being read (its access report). */
  const subjectRequests = new Map<string, string>();

  const outcomesOf = (map: Map<string, FieldOutcomes>, customerId: string): FieldOutcomes => {
    let outcomes = map.get(customerId);
    if (outcomes === undefined) map.set(customerId, (outcomes = new FieldOutcomes(dataMap.coordinates.length)));
    return outcomes;
  };
  const disclosureOf = (customerId: string, entry: SubjectEntry | undefined): FieldOutcomes => {
    const disclosure = entry?.disclosure ?? outcomesOf(disclosures, customerId);
    if (entry !== undefined) entry.disclosure = disclosure;
    return disclosure;
  };

  const onAnswer: { at: AnswerPath; action: () => Promise<void> }[] = [];
  // Cells released at a place of the answer, for the rebuild: parallel arrays, not an object per
  // cell (a page releases thousands). A place is a cell's own path, or its row's path with the
  // cell's response keys (decided rows: one path per row, not per cell).
  const placedSubjects: string[] = [];
  const placedFields: RecordedField[] = [];
  const placedOutcomes: Outcome[] = [];
  const placedAt: AnswerPath[] = [];
  const placedKeys: (readonly string[] | undefined)[] = [];
  /** Records a cell, and, released at a place of the answer, where it stands. */
  const note = (
    customerId: string,
    entry: SubjectEntry | undefined,
    field: RecordedField,
    outcome: Outcome,
    at: AnswerPath | undefined,
    keys?: readonly string[],
  ) => {
    disclosureOf(customerId, entry).record(field, outcome); // the subject takes its place in the order now
    if (at === undefined || outcome === "withheld") return outcomesOf(unplaced, customerId).record(field, outcome);
    placedSubjects.push(customerId);
    placedFields.push(field);
    placedOutcomes.push(outcome);
    placedAt.push(at);
    placedKeys.push(keys);
  };

  /** Records a cell of the answer for the disclosure log, and tallies the decision behind it once per subject and category. */
  const record = (customerId: string, field: PersonalField, outcome: Outcome, at?: AnswerPath, keys?: readonly string[]): void => {
    const entry = entryOf(customerId);
    note(customerId, entry, field, outcome, at, keys);
    const slot = field.categorySlot;
    const decision = entry?.decisions[slot];
    if (decision !== undefined && entry!.applied[slot] === 0) {
      entry!.applied[slot] = 1;
      tally[decision.effect]++;
    }
  };

  const withhold = (customerId: string, field: PersonalField, reason: Reason): GatewayError => {
    record(customerId, field, "withheld");
    return new GatewayError(ErrorCode.WITHHELD, `${field.coordinate} withheld: ${reason.message}`, { reason: reason.code });
  };

  /** A decided value as it leaves (null stays null, recording nothing), or the withheld error, recorded. */
  const release = (
    customerId: string,
    field: PersonalField,
    decision: Decision,
    value: unknown,
    at: AnswerPath | undefined,
    keys?: readonly string[],
  ): unknown => {
    if (purpose === null) return withhold(customerId, field, NO_PURPOSE.reason);
    if (decision.effect === "deny") return withhold(customerId, field, decision.reason);
    if (value === null || value === undefined) return null;
    // Once per cell on a page of thousands: a value allowed as stored allocates nothing.
    const result = decision.effect === "allow" ? value : transformValue(field, decision.effect, value, transformOptions!);
    if (result instanceof NoSafeForm) return withhold(customerId, field, result.reason);
    record(customerId, field, outcomeOfRelease(decision.effect, value, result), at, keys);
    return result;
  };

  return {
    caller,
    dataMap,
    policy,
    decisionNow,
    decisionTally: (): Readonly<Record<Effect, number>> => tally,
    get purpose(): Purpose | null {
      return purpose;
    },
    get mayExecute(): boolean {
      return purpose !== null || withoutPurpose;
    },
    ids(): IdScope {
      if (purpose === null) {
        throw new GatewayError(
          ErrorCode.PURPOSE_REQUIRED,
          "This operation reaches a data subject: declare a purpose with @purpose(name: ...) or the x-purpose header.",
        );
      }
      return (idScope ??= createIdScope(pseudonymKey, identifierScope(policy, caller, purpose)));
    },
    executeWithoutPurpose() {
      if (purpose !== null) throw new Error("a request with a purpose executes under it");
      if (resolutionEnded) throw new Error("the purpose of a request is resolved once");
      withoutPurpose = true;
    },
    purposeResolved,
    endPurposeResolution() {
      resolutionEnded = true;
      endResolution();
    },
    setPurpose(resolved: Purpose) {
      if ((purpose !== null && purpose !== resolved) || withoutPurpose || resolutionEnded)
        throw new Error("the purpose of a request is set once");
      purpose = resolved;
      parts = stateParts(policy, caller, resolved);
      transformOptions = { pseudonymKey, scope: pseudonymScope(policy, caller, resolved) };
    },

    visibleSubjects: (): SQL => (purpose === null ? sql`false` : visibleSubjectsWhere(policy, caller, purpose, dataMap.categories)),
    decideFor,

    async decideAs(customerId: string, category: string, asPurpose: Purpose): Promise<Decision> {
      return decide(policy, caller, asPurpose, category, await wholeStates.load(customerId));
    },

    lookedUp(customerId: string, field: PersonalField): boolean {
      const decision = decisionNow(customerId, field);
      if (decision === undefined) throw new Error("lookedUp: the subject's state is not loaded");
      const allowed = decision.effect === "allow";
      record(customerId, field, allowed ? "disclosed" : "withheld");
      return allowed;
    },

    compared(customerId: string, field: PersonalField): void {
      note(customerId, entryOf(customerId), field, "disclosed", undefined);
    },

    identified(customerId: string, field: RecordedField, at?: AnswerPath, keys?: readonly string[]): void {
      note(customerId, entryOf(customerId), field, this.ids().scoped ? "pseudonymized" : "disclosed", at, keys);
    },

    subjectIdentified(customerId: string): true {
      this.identified(customerId, subjectIdField);
      return true;
    },

    withheld: withhold,

    apply(customerId: string, field: PersonalField, value: unknown, at?: AnswerPath): unknown {
      if (purpose === null) throw this.withheld(customerId, field, NO_PURPOSE.reason);
      const entry = entryOf(customerId);
      if (entry === undefined) return states.load(customerId).then(() => this.apply(customerId, field, value, at));
      return this.disclose(customerId, field, decisionOf(entry, field.categorySlot, purpose), value, at);
    },

    disclose(customerId: string, field: PersonalField, decision: Decision, value: unknown, at?: AnswerPath): unknown {
      const released = release(customerId, field, decision, value, at);
      if (released instanceof GatewayError) throw released;
      return released;
    },

    release,

    get subjectStateColumns(): SubjectStateColumns | undefined {
      return subjectStateColumns(parts);
    },

    async preload(rows: readonly ({ id: string } | SubjectStateRow)[]): Promise<void> {
      const missing: string[] = [];
      for (const row of rows) {
        if (!("state" in row)) missing.push(row.id);
        else if (!subjects.has(row.id)) {
          const state = subjectStateOf(row);
          settle(state);
          states.prime(row.id, state);
        }
      }
      if (missing.length > 0) await states.loadMany(missing);
    },

    async isVisible(customerId: string): Promise<boolean> {
      const entry = subjects.get(customerId) ?? (await states.load(customerId), subjects.get(customerId)!);
      const resolved = purpose;
      return resolved !== null && dataMap.categories.some((_, slot) => decisionOf(entry, slot, resolved).effect !== "deny");
    },

    async isVisibleAs(customerId: string, asPurpose: Purpose): Promise<boolean> {
      const state = await wholeStates.load(customerId);
      return dataMap.categories.some((c) => decide(policy, caller, asPurpose, c, state).effect !== "deny");
    },

    whenAnswered(at: AnswerPath, action: () => Promise<void>): void {
      onAnswer.push({ at, action });
    },
    answeredActions: (data: unknown) => onAnswer.filter((a) => holds(data, a.at)).map((a) => a.action),

    disclosures(data?: unknown): ReadonlyMap<string, FieldOutcomes> {
      if (data === undefined || placedSubjects.length === 0) return disclosures;
      const made = new Map<string, FieldOutcomes>();
      for (const subject of disclosures.keys()) {
        const outcomes = unplaced.get(subject);
        made.set(subject, outcomes === undefined ? new FieldOutcomes(dataMap.coordinates.length) : outcomes.copy());
      }
      for (let i = 0; i < placedSubjects.length; i++) {
        if (holds(data, placedAt[i]!, placedKeys[i])) made.get(placedSubjects[i]!)!.record(placedFields[i]!, placedOutcomes[i]!);
      }
      for (const [subject, outcomes] of made) if (outcomes.isEmpty()) made.delete(subject);
      return made;
    },

    setSubjectRequest(customerId: string, requestId: string) {
      subjectRequests.set(customerId, requestId);
    },
    subjectRequestFor: (customerId: string): string | null => subjectRequests.get(customerId) ?? null,
  };
}
