import "reflect-metadata";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import type { GraphQLSchema } from "graphql";
import gql from "graphql-tag";
import { buildSchema, createResolversMap } from "type-graphql";
import { authChecker, requireCaller } from "./auth/auth-checker";
import type { RequestContext } from "./context";
import { parseId } from "./lib/ids";
import { scalarsMap } from "./lib/scalars";
import { ChannelSubscriberResolver } from "./modules/channel/channel-subscriber.resolver";
import { ChannelResolver, channelFieldResolvers } from "./modules/channel/channel.resolver";
import { ContactPreferenceResolver } from "./modules/contact-preference/contact-preference.resolver";
import {
  ConsentResolver,
  consentMutationResolvers,
  ContactPreferenceEventsResolver,
} from "./modules/consent/consent.resolver";
import {
  VideoChannelRelationsResolver,
  VideoParticipantRelationsResolver,
} from "./modules/video/video-relations.resolver";
import { ContactResolver } from "./modules/contact/contact.resolver";
import { IndividualGroupResolver } from "./modules/individual/individual-group.resolver";
import { IndividualResolver } from "./modules/individual/individual.resolver";
import { InboxResolver } from "./modules/inbox/inbox.resolver";
import { BulkMessageResolver } from "./modules/message/bulk-message.resolver";
import {
  ChannelMessagesResolver,
  channelMessageFieldResolvers,
} from "./modules/message/channel-messages.resolver";
import { MessageResolver, messageFieldResolvers } from "./modules/message/message.resolver";
import { visibleTo } from "./modules/message/message.service";
import { ReactionResolver } from "./modules/message/reaction.resolver";
import { OrganizationResolver } from "./modules/organization/organization.resolver";
import { TextAccountResolver, TextNumberResolver } from "./modules/text/text-account.resolver";
import { TextResolver } from "./modules/text/text.resolver";
import { VideoChannelResolver } from "./modules/video/video-channel.resolver";
import { VideoEncounterResolver } from "./modules/video/video-encounter.resolver";
import { VideoParticipantResolver } from "./modules/video/video-participant.resolver";

const resolvers = [
  VideoChannelRelationsResolver,
  VideoParticipantRelationsResolver,
  ContactResolver,
  ContactPreferenceResolver,
  ConsentResolver,
  ContactPreferenceEventsResolver,
  OrganizationResolver,
  TextResolver,
  TextAccountResolver,
  TextNumberResolver,
  VideoChannelResolver,
  VideoParticipantResolver,
  VideoEncounterResolver,
  IndividualResolver,
  IndividualGroupResolver,
  ChannelResolver,
  ChannelSubscriberResolver,
  MessageResolver,
  ChannelMessagesResolver,
  ReactionResolver,
  InboxResolver,
  BulkMessageResolver,
] as const;

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])`;

/** `_entities` resolves each entity through the same per-request loaders as the graph. */
function referenceResolvers() {
  const byId =
    (load: (context: RequestContext, id: string) => Promise<unknown>) =>
    (reference: { id: string }, context: RequestContext) => {
      requireCaller(context);
      return load(context, parseId(reference.id));
    };
  return {
    Contact: {
      __resolveReference: byId((context, id) => context.loaders.contact.contactById.load(id)),
    },
    Individual: {
      __resolveReference: byId((context, id) => context.loaders.individual.individualById.load(id)),
    },
    Channel: {
      __resolveReference: byId((context, id) => context.loaders.channel.channelById.load(id)),
    },
    Message: {
      __resolveReference: byId(async (context, id) => {
        const message = await context.loaders.message.messageById.load(id);
        return visibleTo(message, context.caller) ? message : null;
      }),
    },
    Text: {
      __resolveReference: byId((context, id) => context.loaders.text.textById.load(id)),
    },
    VideoChannel: {
      __resolveReference: byId((context, id) => context.loaders.video.videoChannelById.load(id)),
    },
  };
}

/** Fields resolved hundreds of times a request, kept off type-graphql's resolver wrapper. */
const plainResolvers = {
  Mutation: consentMutationResolvers,
  Channel: { ...channelFieldResolvers, ...channelMessageFieldResolvers },
  Message: messageFieldResolvers,
};

/**
 * The Federation 2 subgraph schema: type-graphql builds the types, @apollo/subgraph adds
 * _service/_entities. The answer builds it as often as asked, each time with types and fields of
 * its own over the same resolvers (graphql/compiled-executor.ts keeps one copy that Apollo's
 * field instrumentation never wraps).
 */
export async function gatewaySchemaFactory(): Promise<() => GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...resolvers],
    authChecker,
    scalarsMap,
    validate: false,
  });
  const typeDefs = gql`
    ${FEDERATION_LINK}
    ${printSchemaWithDirectives(schema)}
  `;
  const resolverMap = createResolversMap(schema) as Record<string, object>;
  for (const [typeName, fields] of [
    ...Object.entries(referenceResolvers()),
    ...Object.entries(plainResolvers),
  ]) {
    resolverMap[typeName] = { ...resolverMap[typeName], ...fields };
  }
  // createResolversMap's type is wider than buildSubgraphSchema's; the shapes agree at runtime.
  return () =>
    buildSubgraphSchema({ typeDefs, resolvers: resolverMap as GraphQLResolverMap<unknown> });
}

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  return (await gatewaySchemaFactory())();
}
