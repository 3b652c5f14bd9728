import { releaseLoaders, type RequestContext } from "../context";
import { currentRequest } from "../lib/request-scope";
import { DONE, type RequestHooks } from "./plugin-hooks";

/**
 * Apollo Server's execution step copies each request's context into object literals
 * (`execute({ ...requestContext, … })` in its requestPipeline.js) that live for the whole
 * execution, so V8 pretenures them: allocates them in the old generation. An old object keeps
 * what it references alive through every young-generation collection until the next full one,
 * and each request's loaders (its rows) and result were promoted with it: 172 KB a request for
 * the inbox, against 5 KB when successful queries skipped the execution step (bench:messaging,
 * `BENCH_PROFILE_HEAP=old`). So a request lets go of its loaders once executed, and of its result
 * once the answer is serialized (graphql/http-handler.ts, or at the response's close), leaving
 * those copies nothing large to keep.
 */
export function releaseAfterExecution(): RequestHooks<RequestContext> {
  return {
    willSendResponse({ contextValue, response, requestIsBatched }) {
      // A batch's operations share one context: the next one still needs its loaders.
      if (!requestIsBatched) releaseLoaders(contextValue);
      currentRequest()?.holdAnswer(response);
      return DONE;
    },
  };
}
