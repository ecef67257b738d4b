/** The statements and parameters bench:scale explains, read back from a PostgreSQL log. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { executedStatements } from "../../bench/executedStatements.js";

const at = (pid: number, level: string, message: string) => `2026-12-07 18:40:01.123 UTC [${pid}] ${level}:  ${message}`;
const quoted = (value: string) => `'${value.replace(/'/g, "''")}'`;

describe("executedStatements", () => {
  it("finds each distinct statement once, with its first parameters, across sessions and lines, leaving out the asking session", () => {
    const log = [
      at(11, "LOG", "statement: alter system set log_statement = 'all'"),
      at(20, "LOG", 'execute s1: select "id" from "customers"'),
      '\twhere "id" = any($1::uuid[]) limit $2',
      at(20, "DETAIL", "parameters: $1 = '{a,b}', $2 = '101'"),
      at(21, "LOG", "statement: begin"),
      at(21, "LOG", "execute <unnamed>: insert into t (a, b) values ($1, $2)"),
      at(21, "DETAIL", "parameters: $1 = NULL, $2 = 'it''s'"),
      at(11, "LOG", "execute s9: select pg_reload_conf()"),
      at(22, "LOG", 'execute s1: select "id" from "customers"'),
      '\twhere "id" = any($1::uuid[]) limit $2',
      at(22, "DETAIL", "parameters: $1 = '{c}', $2 = '5'"),
      at(22, "LOG", "execute s2: select 1"),
    ].join("\n");
    expect(executedStatements(log, "11")).toEqual([
      { query: 'select "id" from "customers"\n\twhere "id" = any($1::uuid[]) limit $2', literals: ["'{a,b}'", "'101'"] },
      { query: "insert into t (a, b) values ($1, $2)", literals: ["NULL", "'it''s'"] },
      { query: "select 1", literals: [] },
    ]);
  });

  it("gives back every parameter value as the SQL literal the log quotes", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (values) => {
        const detail = values.map((v, i) => `$${i + 1} = ${quoted(v)}`).join(", ");
        const log = [at(30, "LOG", "execute s1: select $1"), at(30, "DETAIL", `parameters: ${detail}`)].join("\n");
        expect(executedStatements(log, "0")[0]?.literals).toEqual(values.map(quoted));
      }),
    );
  });
});
