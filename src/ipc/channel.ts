/**
 * Typed channel over Node's child_process IPC pipe (JSON serialisation).
 *
 * Receiving validates every message with the decoder for that direction; an invalid message is
 * handed to `onInvalid` and never to `onMessage`.
 */
import type { ChildProcess } from 'node:child_process';
import { decodeParentMessage, decodeWorkerMessage, type Decoded, type ParentMessage, type WorkerMessage } from './messages';

interface IpcEndpoint {
  send?: (msg: unknown, cb?: (err: Error | null) => void) => boolean;
  on(ev: 'message', cb: (m: unknown) => void): unknown;
  off(ev: 'message', cb: (m: unknown) => void): unknown;
  connected?: boolean;
}

export class Channel<Out, In> {
  private readonly listener: (m: unknown) => void;
  constructor(
    private readonly ep: IpcEndpoint,
    decode: (x: unknown) => Decoded<In>,
    onMessage: (m: In) => void,
    onInvalid: (reason: string, raw: unknown) => void,
  ) {
    this.listener = (raw) => {
      const d = decode(raw);
      if (d.ok) onMessage(d.msg);
      else onInvalid(d.reason, raw);
    };
    ep.on('message', this.listener);
  }

  /** Send; false when the peer is gone. */
  send(msg: Out): boolean {
    if (!this.ep.send || this.ep.connected === false) return false;
    try {
      return this.ep.send(msg, () => undefined);
    } catch {
      return false;
    }
  }

  close(): void {
    this.ep.off('message', this.listener);
  }
}

/** The parent's end of a worker's pipe. */
export function parentChannel(
  child: ChildProcess,
  onMessage: (m: WorkerMessage) => void,
  onInvalid: (reason: string, raw: unknown) => void,
): Channel<ParentMessage, WorkerMessage> {
  return new Channel<ParentMessage, WorkerMessage>(child as unknown as IpcEndpoint, decodeWorkerMessage, onMessage, onInvalid);
}

/** The worker's end (its own process object). */
export function workerChannel(
  onMessage: (m: ParentMessage) => void,
  onInvalid: (reason: string, raw: unknown) => void,
): Channel<WorkerMessage, ParentMessage> {
  return new Channel<WorkerMessage, ParentMessage>(process as unknown as IpcEndpoint, decodeParentMessage, onMessage, onInvalid);
}
