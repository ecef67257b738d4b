import {
  getNullableType,
  isInputObjectType,
  isListType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  type Source,
} from "graphql";

/**
 * Messages about a caller's input that say where the input went (argument, variable, input
 * field) and what type was expected there, never the value: graphql-js and graphql-scalars quote
 * the offending value ("got invalid value ...", `Value "..." does not exist in "Purpose" enum`,
 * "found String \"...\""), and a value a client sends may be personal data (an email in a
 * filter). Errors about literals and variables are rewritten from their structure (the AST node
 * they point at, the path of a variable's coercion), not by cutting known phrasings out of their
 * text, so a scalar's message of a shape not foreseen here carries no value out either.
 */

/** `Variable "$f" got an invalid value at "f.from"; expected a value of type "DateTimeISO".` */
export function invalidVariableMessage(name: string, type: GraphQLInputType, path: readonly (string | number)[]): string {
  const at = path.length === 0 ? "" : ` at "${name}${pathText(path)}"`;
  return `Variable "$${name}" got an invalid value${at}; expected a value of type "${typeAt(type, path)}".`;
}

/**
 * The message of an error as it may leave the server or reach a log: a syntax error names the
 * token's kind but not its text, an error about a literal names the argument (or variable
 * default), the input field and the expected type (given the schema), an error about a
 * variable's value names the variable and its type; other messages pass with any value that a
 * message of graphql-js's known shapes quotes cut (scrubEchoedValues) and, given the schema, every
 * quoted name that is not one of the schema's (callerNamesCut): validation messages quote the
 * names a caller chose (an operation's, a fragment's, an alias, a variable, a misspelt field),
 * and a client may build those from personal data.
 */
export function messageWithoutInput(error: Error, schema?: GraphQLSchema): string {
  const message = error.message;
  if (message.startsWith(SYNTAX_ERROR)) return SYNTAX_ERROR + tokenKindsOnly(message.slice(SYNTAX_ERROR.length));
  if (message.startsWith("Unknown operation named ")) return "Unknown operation name: the document has no operation of that name.";
  const node = (error as Partial<GraphQLError>).nodes?.[0];
  if (node?.kind === Kind.VARIABLE_DEFINITION && /^Variable "\$\w+" got invalid value /.test(message)) {
    return `Variable "$${node.variable.name.value}" got an invalid value; expected a value of type "${print(node.type)}".`;
  }
  if (node !== undefined && (VALUE_KINDS.has(node.kind) || node.kind === Kind.OBJECT_FIELD) && !NAMES_ONLY.test(message))
    return literalMessage(node, schema);
  const scrubbed = scrubEchoedValues(message);
  return schema ? callerNamesCut(scrubbed, schema) : scrubbed;
}

const schemaNames = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/** Every name the schema defines: its types, their fields, arguments and enum values, its directives and their arguments. */
function namesOf(schema: GraphQLSchema): ReadonlySet<string> {
  let names = schemaNames.get(schema);
  if (names) return names;
  const set = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    set.add(type.name);
    if ("getFields" in type) {
      for (const field of Object.values(type.getFields())) {
        set.add(field.name);
        set.add(`${type.name}.${field.name}`);
        for (const arg of "args" in field ? field.args : []) set.add(arg.name);
      }
    }
    if ("getValues" in type) for (const value of type.getValues()) set.add(value.name);
  }
  for (const directive of schema.getDirectives()) {
    set.add(directive.name);
    set.add(`@${directive.name}`);
    for (const arg of directive.args) set.add(arg.name);
  }
  schemaNames.set(schema, (names = set));
  return names;
}

/**
 * Quoted names that the schema does not define (so the caller chose them: an operation's or a
 * fragment's name, an alias, a misspelt field) replaced by "…". A type written with its list and
 * non-null marks (`[ID!]!`) counts as the schema's name; a variable (`$first`, or a path into
 * one such as `f.from`) stays named, as the coercion messages name it, for the client to find
 * its mistake.
 */
function callerNamesCut(message: string, schema: GraphQLSchema): string {
  const names = namesOf(schema);
  const known = (name: string) => names.has(name) || names.has(name.replace(/[[\]!]/g, ""));
  // `f.from`, `ids[0]`: a variable's name, then input fields of the schema and list positions.
  const variablePath = (text: string) => {
    const steps = /^[_A-Za-z]\w*((?:\.[_A-Za-z]\w*|\[\d+\])+)$/.exec(text)?.[1];
    return steps !== undefined && [...steps.matchAll(/\.(\w+)/g)].every(([, field]) => names.has(field!));
  };
  return message.replace(/"([^"]*)"/g, (quoted, text: string) =>
    text.startsWith("$") || known(text) || variablePath(text) ? quoted : '"…"',
  );
}

/**
 * The net for messages that reach a log from anywhere else (a driver, an output value that did
 * not serialise): graphql-js's known ways of quoting a value are cut.
 */
function scrubEchoedValues(message: string): string {
  return message
    .replace(/ got invalid value [\s\S]*$/, " got an invalid value.")
    .replace(/(cannot represent[^:]*?value)[:;][\s\S]*$/i, "$1.")
    .replace(/(Expected value of type "[^"]+"), found [\s\S]*$/, "$1.");
}

const SYNTAX_ERROR = "Syntax Error: ";

/**
 * A lexer or parser description with the offending text cut: the value of a token ("found
 * String \"...\"", "Unexpected Name \"...\"") and the character after a colon ("Unexpected
 * character: \"@\""). The text is always the description's end.
 */
function tokenKindsOnly(description: string): string {
  const cut = /(?: (?:Name|Int|Float|String|BlockString|Comment) "|: )/.exec(description);
  if (cut === null) return description;
  return `${description.slice(0, cut.index + (cut[0].startsWith(":") ? 0 : cut[0].length - 2))}.`;
}

const VALUE_KINDS: ReadonlySet<string> = new Set([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
]);

/** graphql-js's one message about a literal that quotes schema names only. */
const NAMES_ONLY = /^Field "[\w.]+" of required type "[\w![\]]+" was not provided\.$/;

function literalMessage(node: ASTNode, schema: GraphQLSchema | undefined): string {
  const source = node.loc?.source;
  const position = source === undefined || schema === undefined ? undefined : literalPositions(source, schema).get(node.loc!.start);
  if (position === undefined) return "An input value is not valid here; see `locations`.";
  const at = position.path.length > 1 ? ` at "${position.path[0]}${pathText(position.path.slice(1))}"` : "";
  // An input field's name in a literal is the caller's text too: named by its place only.
  if (node.kind === Kind.OBJECT_FIELD)
    return `Invalid value for ${position.target}${at}; "${position.type}" defines no input field of that name.`;
  return `Invalid value for ${position.target}${at}; expected a value of type "${position.type}".`;
}

interface LiteralPosition {
  /** `argument "filter" of "disclosureLog"`, `argument "name" of "@purpose"`, `the default of variable "$x"`. */
  target: string;
  /** The argument (or variable) name, then input field names and list indices. */
  path: (string | number)[];
  /** The type expected there; for an input field, the input object's type. */
  type: string;
}

/**
 * Every value literal and input field of a document by its offset, with where it stands. One parse and one walk
 * per source (a request's errors share it), only on the way out of a refused request.
 */
const positionsBySource = new WeakMap<Source, Map<number, LiteralPosition>>();

function literalPositions(source: Source, schema: GraphQLSchema): Map<number, LiteralPosition> {
  let positions = positionsBySource.get(source);
  if (positions !== undefined) return positions;
  positions = new Map();
  positionsBySource.set(source, positions);
  let document;
  try {
    document = parse(source);
  } catch {
    return positions;
  }
  const typeInfo = new TypeInfo(schema);
  let target = "";
  const path: (string | number)[] = [];
  const found = positions;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      VariableDefinition: {
        enter(node) {
          target = `the default of variable "$${node.variable.name.value}"`;
          path.push(`$${node.variable.name.value}`);
        },
        leave() {
          path.pop();
        },
      },
      Argument: {
        enter(node) {
          const directive = typeInfo.getDirective();
          target = `argument "${node.name.value}" of "${directive ? `@${directive.name}` : (typeInfo.getFieldDef()?.name ?? "?")}"`;
          path.push(node.name.value);
        },
        leave() {
          path.pop();
        },
      },
      ObjectField: {
        enter(node) {
          const parent = typeInfo.getParentInputType();
          found.set(node.loc!.start, { target, path: [...path], type: parent ? String(parent) : "?" });
          path.push(node.name.value);
        },
        leave() {
          path.pop();
        },
      },
      enter(node, key) {
        if (!VALUE_KINDS.has(node.kind) || path.length === 0) return;
        if (typeof key === "number") path.push(key); // an item of a list literal
        const type = typeInfo.getInputType();
        found.set(node.loc!.start, { target, path: [...path], type: type ? String(type) : "?" });
      },
      leave(node, key) {
        if (VALUE_KINDS.has(node.kind) && typeof key === "number" && path.length > 0) path.pop();
      },
    }),
  );
  return positions;
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

/** The type expected at `path` below `type` (input fields and list items). */
function typeAt(type: GraphQLInputType, path: readonly (string | number)[]): string {
  let t = type;
  for (const step of path) {
    const nullable = getNullableType(t);
    if (typeof step === "number" && isListType(nullable)) t = nullable.ofType as GraphQLInputType;
    else if (typeof step === "string" && isInputObjectType(nullable)) t = nullable.getFields()[step]?.type ?? t;
  }
  return String(t);
}
