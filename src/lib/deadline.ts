/**
 * `work`'s answer, or undefined once `ms` have passed without one (its rejection is thrown as
 * usual). The work is not stopped: whatever it holds is left to its own deadlines.
 */
export async function answerWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
