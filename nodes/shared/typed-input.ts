import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { OdooError } from '../lib/errors';
import { errorTranslator } from './catalog';
import type { OdooNodeDef } from './types';

/** Where a parameter comes from when the node does not say: a TypedInput value and type. */
export interface TypedDefault {
  value: string;
  type: string;
}

/** A parameter's value for one message: at once for a constant, later for anything else. */
export type TypedInput = (msg: NodeMessage) => unknown;

/**
 * The TypedInput pair `<name>`/`<name>Type` of a node, read once, as a function of the message.
 * An empty value, a missing property and null all mean "not given" (undefined). Constants (text,
 * numbers, JSON, booleans) are evaluated here, as Node-RED would, without its callback and a
 * promise per message; every other type (msg, flow, global, env, JSONata, ...) goes through
 * `RED.util.evaluateNodeProperty` and answers a promise.
 */
export function typedInput(
  RED: NodeAPI,
  node: Node,
  def: OdooNodeDef,
  name: string,
  fallback: TypedDefault,
): TypedInput {
  const properties = def as OdooNodeDef & Record<string, unknown>;
  const stored = properties[name];
  const value = stored == null ? fallback.value : String(stored);
  const declaredType = properties[`${name}Type`];
  const type =
    typeof declaredType === 'string' && declaredType !== '' ? declaredType : fallback.type;
  if (value.trim() === '') return () => undefined;
  const invalid = (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    return new OdooError(
      'ODOO_INVALID_INPUT',
      errorTranslator(RED)('invalid-property', { name, reason }),
    );
  };
  switch (type) {
    case 'str':
      return () => value;
    case 'num':
      return () => Number(value);
    case 'bool':
      return () => /^true$/i.test(value);
    case 'json':
      // Parsed for each message: every message gets objects of its own.
      return () => {
        try {
          return JSON.parse(value) as unknown;
        } catch (error) {
          throw invalid(error);
        }
      };
  }
  return (msg) =>
    new Promise((resolve, reject) => {
      try {
        RED.util.evaluateNodeProperty(value, type, node, msg, (error, result: unknown) => {
          if (error) reject(invalid(error));
          else resolve(result === null ? undefined : result);
        });
      } catch (error) {
        reject(invalid(error));
      }
    });
}

/** Reads one TypedInput parameter of a node for one message (see typedInput). */
export async function evaluateTypedInput(
  RED: NodeAPI,
  node: Node,
  def: OdooNodeDef,
  msg: NodeMessage,
  name: string,
  fallback: TypedDefault,
): Promise<unknown> {
  return typedInput(RED, node, def, name, fallback)(msg);
}
