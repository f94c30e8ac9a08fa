import type { Node, NodeAPI } from 'node-red';
import { OdooError } from '../lib/errors';
import { errorTranslator } from './catalog';
import type { StatusBoard } from './status';
import type { OdooConfigNode } from './types';

/**
 * The deployed `odoo-config` node `id` names. Without one, the node says so at deploy (status
 * and log, as core's MQTT nodes do) and the error to fail its messages with is returned instead.
 */
export function findServer(
  RED: NodeAPI,
  node: Node,
  id: string | undefined,
  board: StatusBoard,
): OdooConfigNode | OdooError {
  const found = id ? RED.nodes.getNode(id) : null;
  if (found?.type === 'odoo-config') return found as OdooConfigNode;
  const key = id ? 'server-not-deployed' : 'missing-config';
  const error = new OdooError('ODOO_INVALID_INPUT', errorTranslator(RED)(key, {}));
  board.show('no-server');
  node.error(error.message);
  return error;
}
