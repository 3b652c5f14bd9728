import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";

@ObjectType({ description: "Relay page information for a connection.", simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * Builds `<Name>Edge` and an abstract connection with edges, nodes, pageInfo and totalCount;
 * extend it as `@ObjectType() class ContactConnection extends ConnectionType(Contact, "Contact") {}`.
 */
export function ConnectionType<Node extends object>(NodeClass: ClassType<Node>, name: string) {
  @ObjectType(`${name}Edge`, {
    description: `One ${name} in a page, with its cursor.`,
    simpleResolvers: true,
  })
  class Edge {
    @Field(() => String, { description: "Opaque cursor: pass it as after/before." })
    cursor!: string;

    @Field(() => NodeClass)
    node!: Node;
  }

  @ObjectType({ simpleResolvers: true })
  abstract class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [NodeClass], { description: "The page's nodes, without cursors." })
    nodes!: Node[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "How many items match the filter, across all pages." })
    totalCount!: number;
  }
  return Connection;
}

@ArgsType()
export class PageArgsType {
  @Field(() => Int, {
    nullable: true,
    description: "Page size from the start (default 20, max 100).",
  })
  first?: number;

  @Field(() => String, { nullable: true, description: "Cursor: items after this one." })
  after?: string;

  @Field(() => Int, { nullable: true, description: "Page size from the end (max 100)." })
  last?: number;

  @Field(() => String, { nullable: true, description: "Cursor: items before this one." })
  before?: string;
}
