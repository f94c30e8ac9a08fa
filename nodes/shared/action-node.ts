import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { OdooClient } from '../lib/client';
import { isOdooError } from '../lib/errors';
import { collectPages, PagedResult, Progress, sendSequence } from './sequence';
import { findServer } from './server';
import { errorStatus, progressReporter, StatusBoard, StatusText } from './status';
import { TypedDefault, TypedInput, typedInput } from './typed-input';
import type { ActionNodeDef } from './types';

export interface ActionSpec<Input> {
  /** The node's TypedInput parameters, with where each comes from when the node does not say. */
  parameters: { [Name in keyof Input]-?: TypedDefault };
  /**
   * The Odoo call for one message; what it resolves to becomes msg.payload, except a PagedResult:
   * all its rows in one msg, or one msg per page or row (see sequence.ts).
   */
  run(client: OdooClient, input: Input, def: ActionNodeDef, progress: Progress): Promise<unknown>;
  /** The status shown after a successful call. */
  summary(result: unknown, def: ActionNodeDef): StatusText;
}

/**
 * The one input wrapper of every action node: evaluate the parameters, call Odoo, put the result
 * in msg.payload and pass the msg on (or a sequence of msgs); any failure goes to done(err) so
 * Catch nodes receive it, and done is called once per input msg. Closing the node ends its calls
 * (see OdooClient.stop) and completes once every message is done.
 */
export function registerActionNode<Input>(
  RED: NodeAPI,
  type: string,
  spec: ActionSpec<Input>,
): void {
  function ActionNode(this: Node, def: ActionNodeDef) {
    RED.nodes.createNode(this, def);
    const board = new StatusBoard(RED, this);
    const server = findServer(RED, this, def.server, board);
    const client = server instanceof Error ? undefined : server.client.forNode();
    if (!(server instanceof Error)) server.register(board);
    const parameters = Object.entries<TypedDefault>(spec.parameters).map(
      ([name, fallback]) => [name, typedInput(RED, this, def, name, fallback)] as const,
    );
    let closed = false;
    let handling = 0;
    let whenIdle: (() => void) | undefined;

    this.on('input', (msg: NodeMessageInFlow, send, done) => {
      handling++;
      const handled = client
        ? handle(client, board, def, parameters, msg, send, () => closed)
        : Promise.reject(server);
      handled
        .then(
          () => done(),
          (error: unknown) => {
            board.show('error', errorStatus(isOdooError(error) ? error.code : undefined));
            done(error as Error);
          },
        )
        .catch((error: unknown) => this.error(error))
        .finally(() => {
          handling--;
          if (handling === 0) whenIdle?.();
        });
    });

    this.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      board.close();
      if (!(server instanceof Error)) server.deregister(board);
      const idle = new Promise<void>((resolve) => {
        if (handling === 0) resolve();
        else whenIdle = resolve;
      });
      Promise.all([client?.stop(), idle])
        .catch((error: unknown) => this.error(error))
        .finally(() => done());
    });
  }

  async function handle(
    client: OdooClient,
    board: StatusBoard,
    def: ActionNodeDef,
    parameters: ReadonlyArray<readonly [string, TypedInput]>,
    msg: NodeMessageInFlow,
    send: (msg: NodeMessage) => void,
    stopped: () => boolean,
  ): Promise<void> {
    const input: Record<string, unknown> = {};
    for (const [name, read] of parameters) {
      const value = read(msg);
      input[name] = value instanceof Promise ? await value : value;
    }
    board.show('requesting');
    const progress = progressReporter(board);
    const result = await spec.run(client, input as Input, def, progress);
    if (!(result instanceof PagedResult)) {
      msg.payload = result;
      board.show('success', spec.summary(result, def), client.transportName);
    } else if (result.split === 'none') {
      const rows = await collectPages(result, progress, stopped);
      if (!rows) return;
      msg.payload = rows;
      const summary = { key: result.unit, params: { count: rows.length } };
      board.show('success', summary, client.transportName);
    } else {
      const count = await sendSequence(RED, msg, result, send, progress, stopped);
      const summary = { key: result.unit, params: { count } };
      board.show('success', summary, client.transportName);
      return;
    }
    send(msg);
  }

  RED.nodes.registerType(type, ActionNode);
}
