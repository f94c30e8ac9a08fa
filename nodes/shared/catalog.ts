import type { NodeAPI } from 'node-red';
import { englishMessage, Translate } from '../lib/messages';

/**
 * Texts shared by every node live in the config node's catalog
 * (`locales/<lang>/odoo-config.json`); other nodes reach it with this namespace.
 */
export const SHARED_CATALOG = 'node-red-contrib-odoo-connector/odoo-config';

export function sharedKey(key: string): string {
  return `${SHARED_CATALOG}:${key}`;
}

/** Translates the client's errors in the runtime's language, English if a text is missing. */
export function errorTranslator(RED: NodeAPI): Translate {
  return (key, params) => {
    const qualified = sharedKey(`errors.${key}`);
    const text = RED._(qualified, params);
    return text && text !== qualified ? text : englishMessage(key, params);
  };
}
