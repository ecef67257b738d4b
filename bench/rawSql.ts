/**
 * The floor: the workloads' data fetched with hand-written SQL through `postgres` (postgres.js)
 * in a bare node:http handler, no GraphQL, no authentication, no privacy layer. Each route is one
 * statement that builds the whole answer as JSON inside PostgreSQL (correlated `json_agg`
 * subqueries), sent to the client as the text PostgreSQL returned: the least work a Node.js server
 * can do for the same bytes. The JSON has the gateway's shape (`{"data":{...}}`, same field names,
 * address nested, statuses as the GraphQL enums spell them).
 *
 * Routes (POST, JSON body): /profile {id}, /page {first}, /lookup {ids}.
 */
import { createServer, type Server } from "node:http";
import postgres from "postgres";
import { readBody } from "../src/server/readBody.js";
import { listenOnLoopback } from "./listenOnLoopback.js";

export interface RawSqlServer {
  server: Server;
  /** Base URL; append /profile, /page or /lookup. */
  url: string;
  close(): Promise<void>;
}

const PROFILE = `json_build_object(
  'fullName', p.full_name, 'displayName', p.display_name, 'email', p.email, 'phone', p.phone,
  'address', json_build_object('line1', p.address_line1, 'line2', p.address_line2, 'postalCode', p.postal_code, 'city', p.city, 'country', p.country),
  'username', p.username, 'language', p.language, 'updatedAt', p.updated_at)`;
const ACCOUNTS = `coalesce((select json_agg(json_build_object('id', a.id, 'accountNumber', a.account_number, 'product', a.product,
  'status', a.status, 'openedAt', a.opened_at) order by a.opened_at, a.id) from accounts a where a.customer_id = c.id), '[]')`;
const CUSTOMER = `'id', c.id, 'status', upper(c.status::text), 'residency', c.residency, 'createdAt', c.created_at`;

const SQL = {
  profile: `select json_build_object('data', json_build_object('me', json_build_object(${CUSTOMER},
      'profile', (select ${PROFILE} from profiles p where p.customer_id = c.id),
      'accounts', ${ACCOUNTS},
      'preferences', (select json_build_object('emailNewsletter', f.email_newsletter, 'smsOffers', f.sms_offers, 'postalMail', f.postal_mail,
        'preferredChannel', f.preferred_channel, 'updatedAt', f.updated_at) from preferences f where f.customer_id = c.id))))::text as body
    from customers c where c.id = $1`,
  page: `select json_build_object('data', json_build_object('customers', json_build_object(
      'edges', coalesce(json_agg(json_build_object('node', json_build_object(${CUSTOMER},
        'profile', (select json_build_object('fullName', p.full_name, 'email', p.email, 'phone', p.phone,
          'address', json_build_object('line1', p.address_line1, 'postalCode', p.postal_code, 'city', p.city, 'country', p.country))
          from profiles p where p.customer_id = c.id),
        'accounts', ${ACCOUNTS},
        'paymentMethods', coalesce((select json_agg(json_build_object('id', m.id, 'brand', m.brand, 'lastFour', m.last_four, 'expiry', m.expiry,
          'billingAddress', json_build_object('city', m.billing_city, 'country', m.billing_country), 'addedAt', m.added_at) order by m.added_at, m.id)
          from payment_methods m where m.customer_id = c.id), '[]'))) order by c.id), '[]'))))::text as body
    from (select * from customers where status = 'active' order by id limit $1) c`,
  lookup: `select json_build_object('data', coalesce(json_object_agg('c' || (k.n - 1), json_build_object('id', c.id,
      'profile', (select json_build_object('fullName', p.full_name, 'email', p.email, 'phone', p.phone,
        'address', json_build_object('line1', p.address_line1, 'postalCode', p.postal_code, 'city', p.city, 'country', p.country))
        from profiles p where p.customer_id = c.id)) order by k.n), '{}'))::text as body
    from unnest($1::uuid[]) with ordinality k(id, n) join customers c on c.id = k.id`,
} as const;

export async function startRawSqlServer(options: { databaseUrl: string; poolSize: number }): Promise<RawSqlServer> {
  const client = postgres(options.databaseUrl, { max: options.poolSize, onnotice: () => {} });
  const server = createServer(async (req, res) => {
    try {
      const route = (req.url ?? "/").split("?")[0]?.slice(1) ?? "";
      const input = JSON.parse(await readBody(req, 1 << 20)) as { id?: string; first?: number; ids?: string[] };
      let rows: { body: string }[];
      if (route === "profile") rows = await client.unsafe(SQL.profile, [String(input.id)]);
      else if (route === "page") rows = await client.unsafe(SQL.page, [Number(input.first)]);
      else if (route === "lookup") rows = await client.unsafe(SQL.lookup, [input.ids ?? []]);
      else {
        res.statusCode = 404;
        return void res.end();
      }
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(rows[0]?.body ?? '{"data":null}');
    } catch (error) {
      res.statusCode = 500;
      res.end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
    }
  });
  const port = await listenOnLoopback(server);
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await client.end({ timeout: 5 });
    },
  };
}
