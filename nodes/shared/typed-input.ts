import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { OdooError } from '../lib/errors';
import { errorTranslator } from './catalog';
import type { ActionNodeDef } from './types';

/** Where a parameter comes from when the node does not say: a TypedInput value and type. */
export interface TypedDefault {
  value: string;
  type: string;
}

/**
 * Reads the TypedInput pair `<name>`/`<name>Type` of a node for one message. An empty value, a
 * missing property and null all mean "not given" (undefined).
 */
export function evaluateTypedInput(
  RED: NodeAPI,
  node: Node,
  def: ActionNodeDef,
  msg: NodeMessage,
  name: string,
  fallback: TypedDefault,
): Promise<unknown> {
  const stored = def[name];
  const value = stored == null ? fallback.value : String(stored);
  const declaredType = def[`${name}Type`];
  const type =
    typeof declaredType === 'string' && declaredType !== '' ? declaredType : fallback.type;
  if (value.trim() === '') return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      const message = errorTranslator(RED)('invalid-property', { name, reason });
      reject(new OdooError('ODOO_INVALID_INPUT', message));
    };
    try {
      RED.util.evaluateNodeProperty(value, type, node, msg, (error, result: unknown) => {
        if (error) fail(error);
        else resolve(result === null ? undefined : result);
      });
    } catch (error) {
      fail(error);
    }
  });
}
