import "reflect-metadata";
import { DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLNonNull, GraphQLSchema, specifiedDirectives } from "graphql";
import { buildSchema } from "type-graphql";
import { MaskKindEnum, personalDirective } from "../enforcement/personal.js";
import "./common/PurposeEnum.js";
import { ConsentResolver } from "./consent/ConsentResolver.js";
import { PartnerSharingResolver } from "./consent/PartnerSharingResolver.js";
import { CustomerConnectionResolver } from "./customer/CustomerConnectionResolver.js";
import { CustomerResolver } from "./customer/CustomerResolver.js";
import { DisclosureResolver } from "./disclosure/DisclosureResolver.js";
import { ExplainResolver } from "./explain/ExplainResolver.js";
import { ObjectionResolver } from "./objection/ObjectionResolver.js";
import { PartnerResolver } from "./partner/PartnerResolver.js";
import { PaymentMethodResolver } from "./paymentMethod/PaymentMethodResolver.js";
import { PreferencesResolver } from "./preferences/PreferencesResolver.js";
import { ProfileResolver } from "./profile/ProfileResolver.js";
import { PolicyResolver } from "./policy/PolicyResolver.js";
import { RetentionResolver } from "./retention/RetentionResolver.js";
import { SubjectRequestResolver } from "./subjectRequest/SubjectRequestResolver.js";

/** Resolver classes, one per domain; a new domain is added here. */
export const RESOLVERS = [
  CustomerResolver,
  CustomerConnectionResolver,
  ProfileResolver,
  PreferencesResolver,
  PaymentMethodResolver,
  ConsentResolver,
  PartnerSharingResolver,
  ObjectionResolver,
  ExplainResolver,
  DisclosureResolver,
  PartnerResolver,
  SubjectRequestResolver,
  RetentionResolver,
  PolicyResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/**
 * The gateway's schema, without enforcement: type-graphql types and resolvers plus the
 * `@personal` and `@purpose` directive definitions. Built once per process (type-graphql keeps
 * global metadata). Enforcement wraps it (src/enforcement); only bench/ uses it bare.
 */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  built ??= build();
  return built;
}

async function build(): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: RESOLVERS, validate: false });
  const purposeEnum = schema.getType("Purpose");
  if (!(purposeEnum instanceof GraphQLEnumType)) throw new Error("the Purpose enum is missing from the schema");
  const purposeDirective = new GraphQLDirective({
    name: "purpose",
    description: "Declares why the operation reads data; the x-purpose header is an equivalent.",
    locations: [DirectiveLocation.QUERY, DirectiveLocation.MUTATION],
    args: { name: { type: new GraphQLNonNull(purposeEnum) } },
  });
  const config = schema.toConfig();
  return new GraphQLSchema({
    ...config,
    types: [...config.types, MaskKindEnum],
    directives: [...specifiedDirectives, personalDirective, purposeDirective],
  });
}
