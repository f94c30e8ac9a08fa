import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { OdooClient } from '../lib/client';
import { isOdooError, OdooError } from '../lib/errors';
import { errorTranslator } from './catalog';
import { collectPages, PagedResult, Progress, sendSequence } from './sequence';
import { errorStatus, progressReporter, showStatus, StatusText } from './status';
import { evaluateTypedInput, TypedDefault } from './typed-input';
import type { ActionNodeDef, OdooConfigNode } from './types';

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
 * Catch nodes receive it, and done is called once per input msg.
 */
export function registerActionNode<Input>(
  RED: NodeAPI,
  type: string,
  spec: ActionSpec<Input>,
): void {
  function ActionNode(this: Node, def: ActionNodeDef) {
    RED.nodes.createNode(this, def);
    const server = def.server ? (RED.nodes.getNode(def.server) as OdooConfigNode | null) : null;
    if (!server) showStatus(RED, this, 'no-server');
    let closed = false;
    this.on('close', () => {
      closed = true;
    });

    this.on('input', (msg: NodeMessageInFlow, send, done) => {
      handle(this, server, def, msg, send, () => closed)
        .then(
          () => done(),
          (error: unknown) => {
            showStatus(
              RED,
              this,
              'error',
              errorStatus(isOdooError(error) ? error.code : undefined),
            );
            done(error as Error);
          },
        )
        .catch((error: unknown) => this.error(error));
    });
  }

  async function handle(
    node: Node,
    server: OdooConfigNode | null,
    def: ActionNodeDef,
    msg: NodeMessageInFlow,
    send: (msg: NodeMessage) => void,
    stopped: () => boolean,
  ): Promise<void> {
    if (!server) {
      throw new OdooError('ODOO_INVALID_INPUT', errorTranslator(RED)('missing-config', {}));
    }
    const input: Record<string, unknown> = {};
    for (const [name, fallback] of Object.entries<TypedDefault>(spec.parameters)) {
      input[name] = await evaluateTypedInput(RED, node, def, msg, name, fallback);
    }
    showStatus(RED, node, 'requesting');
    const progress = progressReporter(RED, node);
    const result = await spec.run(server.client, input as Input, def, progress);
    if (!(result instanceof PagedResult)) {
      msg.payload = result;
      showStatus(RED, node, 'success', spec.summary(result, def), server.client.transportName);
    } else if (result.split === 'none') {
      const rows = await collectPages(result, progress, stopped);
      if (!rows) return;
      msg.payload = rows;
      const summary = { key: result.unit, params: { count: rows.length } };
      showStatus(RED, node, 'success', summary, server.client.transportName);
    } else {
      const count = await sendSequence(RED, msg, result, send, progress, stopped);
      const summary = { key: result.unit, params: { count } };
      showStatus(RED, node, 'success', summary, server.client.transportName);
      return;
    }
    send(msg);
  }

  RED.nodes.registerType(type, ActionNode);
}
