/**
 * The statements a PostgreSQL log shows executed through the extended protocol (`log_statement =
 * all`: `execute <name>: <text>`, then `DETAIL:  parameters: $1 = '...', ...`), each distinct text
 * once with the parameters of its first execution as the log quotes them (SQL literals, or NULL),
 * in order; entries of the session `skipPid` (the one that asks) left out. The log's lines begin
 * with PostgreSQL's default log_line_prefix, `%m [%p] `; a statement may span lines.
 */
/** A log entry's first line: `%m [%p] LEVEL:  message` (PostgreSQL's default log_line_prefix). */
const ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[(\d+)\] ([A-Z]+): {2}/;
const EXECUTE = /^execute [^:]*: /;
const PARAMETER = /\$(\d+) = (NULL|'(?:[^']|'')*')/g;

interface Entry {
  pid: string;
  level: string;
  message: string;
}

function entriesOf(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const line of text.split("\n")) {
    const m = ENTRY.exec(line);
    if (m) entries.push({ pid: m[1]!, level: m[2]!, message: line.slice(m[0].length) });
    else if (entries.length > 0) entries[entries.length - 1]!.message += `\n${line}`;
  }
  return entries;
}

export function executedStatements(text: string, skipPid: string): { query: string; literals: string[] }[] {
  const entries = entriesOf(text);
  const byQuery = new Map<string, string[]>();
  for (const [i, entry] of entries.entries()) {
    if (entry.pid === skipPid || entry.level !== "LOG" || !EXECUTE.test(entry.message)) continue;
    const query = entry.message.replace(EXECUTE, "").trim();
    if (byQuery.has(query)) continue;
    const next = entries[i + 1];
    const literals: string[] = [];
    if (next?.pid === entry.pid && next.level === "DETAIL" && next.message.startsWith("parameters: ")) {
      for (const [, n, literal] of next.message.matchAll(PARAMETER)) literals[Number(n) - 1] = literal!;
    }
    byQuery.set(query, literals);
  }
  return [...byQuery].map(([query, literals]) => ({ query, literals }));
}
