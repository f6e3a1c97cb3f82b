/**
 * The wait shared by the stream and datagram readers of the checkers: resolve with `again()`
 * once the event source calls the installed wake-up, or with 'timeout' after `ms`, or with
 * 'aborted' when `signal` fires — whichever comes first, with every listener removed after.
 */
export function waitForWake<R>(
  ms: number,
  signal: AbortSignal,
  setWake: (wake: (() => void) | undefined) => void,
  again: () => Promise<R>,
): Promise<R | 'timeout' | 'aborted'> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      setWake(undefined);
      signal.removeEventListener('abort', onAbort);
      resolve('timeout');
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      setWake(undefined);
      resolve('aborted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    setWake(() => {
      clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
      resolve(again());
    });
  });
}
