import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "What is wrong in a policy file, and where (1-based line and column)." })
export class PolicyFileError {
  @Field(() => Int) line!: number;
  @Field(() => Int) column!: number;
  @Field(() => String, { description: "The keys leading to it, dotted (`roles.billing.1`)." }) path!: string;
  @Field(() => String) message!: string;
}

@ObjectType({ description: "The outcome of reloading the policy file: the policy in force afterwards, and why a file was refused." })
export class PolicyReloadResult {
  @Field(() => Boolean, { description: "True when the file loaded and is now in force; false: refused, the previous policy stays." })
  reloaded!: boolean;
  @Field(() => String, { description: "The version in force: the file's version and its content hash." }) version!: string;
  @Field(() => [PolicyFileError], { description: "Empty when reloaded." }) errors!: PolicyFileError[];
}
