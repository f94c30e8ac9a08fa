import type { IncomingMessage } from 'node:http';
import type { Answers } from './answers';
import { errorFromFault, exceptionLine, isOdooError, OdooError } from './errors';
import type { Service, ServiceAnswer, ServiceCodec } from './service-rpc-transport';
import { XmlRpcDecoder, XmlRpcFormatError } from './xmlrpc-decoder';
import { encodeMethodCall } from './xmlrpc-encoder';

/**
 * What Odoo answers when a method returns None: its XML-RPC marshaller refuses None *after* the
 * transaction was committed, so the call did succeed.
 */
const NONE_ANSWER = 'TypeError: cannot marshal None unless allow_none is enabled';

/** XML-RPC on `/xmlrpc/2/common`, `/xmlrpc/2/object` and `/xmlrpc/2/db`. */
export const XML_RPC: ServiceCodec = {
  name: 'xmlrpc',
  protocol: 'XML-RPC',
  headers: { 'Content-Type': 'text/xml', Accept: 'text/xml' },
  path: (service: Service) => `/xmlrpc/2/${service}`,
  encode: (_service, method, params) => encodeMethodCall(method, params),

  accepts(response: IncomingMessage): boolean {
    const type = response.headers['content-type'] ?? '';
    return type === '' || /xml/i.test(type);
  },

  async decode(
    path: string,
    body: AsyncIterable<Buffer>,
    answers: Answers,
  ): Promise<ServiceAnswer> {
    const decoder = new XmlRpcDecoder();
    let outcome;
    try {
      for await (const chunk of body) decoder.write(chunk);
      outcome = decoder.end();
    } catch (error) {
      if (error instanceof XmlRpcFormatError) throw answers.malformed(path, error.message);
      throw error;
    }
    if (outcome.kind === 'value') return { value: outcome.value };
    const fault = { faultCode: outcome.faultCode as number, faultString: outcome.faultString };
    return { error: errorFromFault(fault) };
  },

  isSuccess(error: OdooError): boolean {
    if (!isOdooError(error, 'ODOO_SERVER_ERROR')) return false;
    const fault = error.cause as { faultString?: unknown } | undefined;
    return (
      typeof fault?.faultString === 'string' && exceptionLine(fault.faultString) === NONE_ANSWER
    );
  },
};
