import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from "@apollo/server";

/**
 * What our request hooks answer: Apollo awaits every plugin's hooks, and an async function would
 * make a new promise per hook per request (and with the request scope's AsyncLocalStorage on, a
 * promise hook call each). Hooks that do their work synchronously return this one instead.
 */
export const DONE: Promise<void> = Promise.resolve();

/** The request hooks our parts of the pipeline use: each runs once per request and returns nothing. */
type EventHook = "didResolveOperation" | "willSendResponse";
export type RequestHooks<Context extends BaseContext> = Pick<
  GraphQLRequestListener<Context>,
  EventHook
>;
const EVENT_HOOKS: readonly EventHook[] = ["didResolveOperation", "willSendResponse"];

/**
 * Our request hooks as one Apollo plugin, each hook calling the parts' in the order given. Apollo
 * runs every hook of every listener through `Promise.all` over all the listeners (and
 * `responseForOperation` through an async call per listener): each listener costs a request
 * about fifteen promises, listening or not. One listener for all our parts costs them once.
 * As under Apollo, every part's hook runs even when an earlier one throws, and the hook fails
 * with the first error.
 */
export function requestHooksPlugin<Context extends BaseContext>(
  parts: RequestHooks<Context>[],
): ApolloServerPlugin<Context> {
  const listener: GraphQLRequestListener<Context> = {};
  for (const hook of EVENT_HOOKS) {
    const calls = parts.flatMap((part) => (part[hook] ? [part[hook].bind(part)] : []));
    if (calls.length === 0) continue;
    listener[hook] = (requestContext: never) =>
      callEach(calls as ((requestContext: never) => Promise<void>)[], requestContext);
  }
  const ready = Promise.resolve(listener);
  return { requestDidStart: () => ready };
}

function callEach<Argument>(
  calls: ((argument: Argument) => Promise<void>)[],
  argument: Argument,
): Promise<void> {
  let waits: Promise<void>[] | undefined;
  for (const call of calls) {
    let result: Promise<void>;
    try {
      result = call(argument);
    } catch (error) {
      result = Promise.reject(error);
    }
    if (result !== DONE) (waits ??= []).push(result);
  }
  return waits ? Promise.all(waits).then(() => undefined) : DONE;
}
