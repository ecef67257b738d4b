import { randomUUID } from "node:crypto";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Database } from "../../src/db/client.js";
import {
  accounts,
  consentEvents,
  customers,
  partnerLinks,
  paymentMethods,
  preferences,
  profiles,
  purchases,
  submittedMessages,
  visits,
} from "../../src/db/schema/index.js";
import { DEFAULT_POLICY } from "../../src/policy/index.js";

/** How many rows of each list a subject gets (each defaults to 0). */
export interface SubjectLists {
  accounts?: number;
  paymentMethods?: number;
  visits?: number;
  purchases?: number;
  messages?: number;
  consents?: number;
}

const CHUNK = 1000;
const T0 = Date.parse("2026-06-01T00:00:00Z");

/** Inserts n generated rows in chunks of 1,000 (one INSERT each). */
async function insertMany(db: Database, table: PgTable, n: number, row: (i: number) => Record<string, unknown>): Promise<void> {
  for (let start = 0; start < n; start += CHUNK) {
    const batch = Array.from({ length: Math.min(CHUNK, n - start) }, (_, k) => row(start + k));
    await db.insert(table).values(batch as never);
  }
}

/**
 * `count` synthetic data subjects, each with a profile, preferences and `lists` rows of each list,
 * inserted through Drizzle in chunks (tests of statement counts, the report-memory benchmark):
 * values are plausible and never real. Returns their ids.
 */
export async function insertSubjects(
  db: Database,
  count: number,
  options: { residency?: string; lists?: SubjectLists; linkedPartner?: string } = {},
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const lists = options.lists ?? {};
  const each = (n: number | undefined, row: (id: string, i: number) => Record<string, unknown>) => (i: number) =>
    row(ids[Math.floor(i / (n ?? 0))]!, i % (n ?? 1));
  const total = (n: number | undefined) => count * (n ?? 0);
  const tag = (id: string) => id.slice(0, 8);
  const at = (i: number) => new Date(T0 + i * 60_000);
  await insertMany(db, customers, count, (k) => ({
    id: ids[k],
    residency: options.residency ?? "EU",
    createdAt: new Date(T0 - 400 * 86_400_000),
  }));
  await insertMany(db, profiles, count, (k) => {
    const t = tag(ids[k]!);
    return {
      customerId: ids[k],
      fullName: `Test Person ${t}`,
      displayName: `tp${t}`,
      email: `tp.${t}@example.test`,
      phone: "+44 20 7946 0000",
      addressLine1: "1 Test Street",
      postalCode: "T1 1TT",
      city: "Testville",
      country: "GB",
      username: `tp_${t}`,
      language: "en",
    };
  });
  await insertMany(db, preferences, count, (k) => ({ customerId: ids[k], emailNewsletter: true, preferredChannel: "email" }));
  const partnerId = options.linkedPartner;
  if (partnerId) await insertMany(db, partnerLinks, count, (k) => ({ partnerId, customerId: ids[k] }));
  await insertMany(
    db,
    accounts,
    total(lists.accounts),
    each(lists.accounts, (customerId, i) => ({
      customerId,
      accountNumber: `GB00TEST${String(i).padStart(10, "0")}`,
      product: "current",
      openedAt: at(i),
    })),
  );
  await insertMany(
    db,
    paymentMethods,
    total(lists.paymentMethods),
    each(lists.paymentMethods, (customerId, i) => ({
      customerId,
      cardToken: `tok_${tag(customerId)}_${i}`,
      brand: "visa",
      lastFour: String(1000 + (i % 9000)),
      expiry: "12/29",
      billingLine1: "1 Test Street",
      billingPostalCode: "T1 1TT",
      billingCity: "Testville",
      billingCountry: "GB",
      addedAt: at(i),
    })),
  );
  await insertMany(
    db,
    visits,
    total(lists.visits),
    each(lists.visits, (customerId, i) => ({
      customerId,
      ipAddress: `203.0.113.${i % 250}`,
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Test/1.0",
      device: "desktop",
      operatingSystem: "Linux",
      language: "en",
      referrer: "https://search.example/",
      page: `/products/${i % 97}`,
      visitedAt: at(i),
    })),
  );
  await insertMany(
    db,
    purchases,
    total(lists.purchases),
    each(lists.purchases, (customerId, i) => ({
      customerId,
      product: `Product ${i % 31}`,
      amountCents: 1000 + i,
      currency: "EUR",
      purchasedAt: at(i),
      invoiceRef: `INV-${tag(customerId)}-${i}`,
    })),
  );
  await insertMany(
    db,
    submittedMessages,
    total(lists.messages),
    each(lists.messages, (customerId, i) => ({
      customerId,
      subject: `Question ${i}`,
      body: "A question about my order.",
      submittedAt: at(i),
    })),
  );
  // Consents given and kept: the history grows, nobody is opted out by it.
  await insertMany(
    db,
    consentEvents,
    total(lists.consents),
    each(lists.consents, (customerId, i) => ({
      customerId,
      purpose: "personalization",
      granted: true,
      source: "web",
      policyVersion: DEFAULT_POLICY.version,
      recordedAt: at(i),
    })),
  );
  return ids;
}

/** One synthetic subject (see insertSubjects). */
export async function insertSubject(
  db: Database,
  options: { residency?: string; lists?: SubjectLists; linkedPartner?: string } = {},
): Promise<string> {
  const [id] = await insertSubjects(db, 1, options);
  return id!;
}
