import { expect } from "vitest";
import { print } from "graphql";
import type { Purpose } from "../../src/policy/purposes.js";
import { customer, staff } from "../dsr/support.js";
import { MyConsentsAndObjectionsDocument } from "../generated/graphql.js";
import { idScopeOf } from "../helpers/idScopes.js";
import type { TestGateway } from "../helpers/testGateway.js";

export interface MeView {
  /** The latest consent per purpose (purpose-wide), as `me.consents` shows it. */
  consents: Map<string, { granted: boolean; source: string }>;
  /** The purposes `me.objections` lists. */
  objected: Set<string>;
}

/** What `me` shows of the subject's consents and objections (fails on any error). */
export async function meView(gw: TestGateway, subject: string, headers: Record<string, string> = {}): Promise<MeView> {
  const res = await gw.post({ query: print(MyConsentsAndObjectionsDocument) }, { ...(await customer(gw, subject)), ...headers });
  if (res.body.errors) throw new Error(`me failed: ${JSON.stringify(res.body.errors)}`);
  const me = res.body.data.me;
  const consents = new Map<string, { granted: boolean; source: string }>();
  for (const c of me.consents) if (c.purpose !== "third_party_sharing") consents.set(c.purpose, { granted: c.granted, source: c.source });
  return { consents, objected: new Set(me.objections.map((o: { purpose: string }) => o.purpose)) };
}

/** Whether `me` shows the purpose allowed: not withdrawn (no choice is an allowed opt-out purpose) and under no objection. */
export const shownAllowed = (view: MeView, purpose: Purpose): boolean =>
  view.consents.get(purpose)?.granted !== false && !view.objected.has(purpose);

/**
 * Whether the enforcement lets the marketing analyst see the subject at all for the purpose: read
 * by id (decide on the subject's state) and as a page filtered by its id (the pages' SQL,
 * visibleSubjectsWhere), which must agree.
 */
export async function enforcedAllowed(gw: TestGateway, subject: string, purpose: Purpose): Promise<boolean> {
  const ids = idScopeOf(gw, { kind: "staff", staffId: "marketing_analyst-1", role: "marketing_analyst" }, purpose);
  const res = await gw.post(
    {
      query: `query($id: ID!) { one: customer(id: $id) { id } page: customers(first: 1, filter: { ids: [$id] }) { edges { node { id } } } }`,
      variables: { id: ids.external(subject) },
    },
    await staff(gw, "marketing_analyst", purpose),
  );
  const byId = res.body.data?.one ? true : res.body.errors?.[0]?.extensions?.code === "NOT_FOUND" ? false : undefined;
  if (byId === undefined || !res.body.data?.page) throw new Error(`unexpected answer: ${JSON.stringify(res.body)}`);
  expect(res.body.data.page.edges.length === 1).toBe(byId);
  return byId;
}
