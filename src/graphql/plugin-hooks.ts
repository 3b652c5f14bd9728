import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from "@apollo/server";

/**
 * What our request hooks answer: Apollo awaits every plugin's hooks, and an async function would
 * make a new promise per hook per request (and with the request scope's AsyncLocalStorage on, a
 * promise hook call each). Hooks that do their work synchronously return this one instead.
 */
export const DONE: Promise<void> = Promise.resolve();

/** A plugin whose listener is the same object for every request, handed out already resolved. */
export function listenerPlugin<Context extends BaseContext>(
  listener: GraphQLRequestListener<Context>,
): ApolloServerPlugin<Context> {
  const ready = Promise.resolve(listener);
  return { requestDidStart: () => ready };
}
